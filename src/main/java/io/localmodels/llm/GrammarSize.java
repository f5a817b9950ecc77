package io.localmodels.llm;

import java.util.HashSet;
import java.util.Set;

/**
 * How many elements llama.cpp's grammar parser makes of a GBNF grammar once it has expanded the
 * repetitions: {@code x{m,n}} becomes m copies of x and n - m optional rules, each holding x again.
 * That expansion runs on the generation thread when a request starts; its size is what a schema's
 * lengths and counts cost in memory and time there, so it is bounded before anything reaches it.
 * Reads the one-rule-a-line GBNF that llama.cpp's schema converter writes; refuses anything else.
 */
final class GrammarSize {

    /** The most elements a grammar may expand to (a few tens of MB in llama.cpp's parser at worst). */
    static final long MAX_ELEMENTS = 200_000;

    private final String text;
    private final Set<String> defined = new HashSet<>();
    private final Set<String> referenced = new HashSet<>();
    private int pos;
    private long total;

    private GrammarSize(String text) {
        this.text = text;
    }

    /** The expanded element count; throws IllegalArgumentException for a grammar it cannot read. */
    static long elements(String grammar) {
        GrammarSize g = new GrammarSize(grammar);
        for (String line : grammar.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int sep = line.indexOf("::=");
            if (sep <= 0) {
                throw new IllegalArgumentException("not a rule: " + line);
            }
            g.defined.add(line.substring(0, sep).strip());
            g.rule(line.substring(sep + 3));
        }
        g.referenced.removeAll(g.defined);
        if (!g.referenced.isEmpty()) {
            throw new IllegalArgumentException("rules used but never written: " + g.referenced);
        }
        return g.total;
    }

    private void rule(String body) {
        GrammarSize r = new GrammarSize(body);
        long n = r.alternatives();
        r.skipSpace();
        if (r.pos != body.length()) {
            throw new IllegalArgumentException("cannot read the rule at: " + body.substring(r.pos));
        }
        referenced.addAll(r.referenced);
        total = sat(total + n + r.total + 1);
    }

    private long alternatives() {
        long n = sequence();
        while (peek() == '|') {
            pos++;
            n = sat(n + 1 + sequence());
        }
        return n;
    }

    private long sequence() {
        long n = 0;
        while (true) {
            char c = peek();
            if (c == 0 || c == '|' || c == ')') {
                return n;
            }
            n = sat(n + repeated(atom()));
        }
    }

    /** The atom's own elements where it stands (a group is one reference to a rule of its own). */
    private long atom() {
        char c = peek();
        int start = pos;
        if (c == '"') {
            return characters('"', start); // one element a character
        }
        if (c == '[') {
            return characters(']', start) + 1; // one a character or range, and the class's end
        }
        if (c == '(') {
            pos++;
            long inner = alternatives();
            skipSpace();
            expect(')', start);
            total = sat(total + inner + 1);
            return 1;
        }
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '-' || text.charAt(pos) == '_')) {
            pos++;
        }
        if (start == pos) {
            throw new IllegalArgumentException("unexpected '" + c + "' at: " + text.substring(pos));
        }
        referenced.add(text.substring(start, pos));
        return 1;
    }

    /** Characters (an escape is one) from past the opening one up to {@code close}, which it consumes. */
    private long characters(char close, int start) {
        pos++;
        long chars = 0;
        while (pos < text.length() && text.charAt(pos) != close) {
            pos += text.charAt(pos) == '\\' ? 2 : 1;
            chars++;
        }
        expect(close, start);
        return chars;
    }

    private long repeated(long x) {
        char c = pos < text.length() ? text.charAt(pos) : 0;
        long optional = x + 3; // an optional copy is a rule of its own: x, a reference on, an alternative, an end
        switch (c) {
            case '?', '*' -> {
                pos++;
                return optional;
            }
            case '+' -> {
                pos++;
                return sat(x + optional);
            }
            case '{' -> {
                int close = text.indexOf('}', pos);
                if (close < 0) {
                    throw new IllegalArgumentException("a '{' is never closed");
                }
                String[] range = text.substring(pos + 1, close).split(",", -1);
                pos = close + 1;
                long min = Long.parseLong(range[0].strip());
                if (range.length == 1) {
                    return mul(min, x);
                }
                if (range[1].isBlank()) {
                    return sat(mul(min, x) + optional);
                }
                long max = Long.parseLong(range[1].strip());
                if (max < min) {
                    throw new IllegalArgumentException("{" + min + "," + max + "} runs backwards");
                }
                return sat(mul(min, x) + mul(max - min, optional));
            }
            default -> {
                return x;
            }
        }
    }

    private void expect(char c, int from) {
        if (pos >= text.length() || text.charAt(pos) != c) {
            throw new IllegalArgumentException("expected '" + c + "' after: " + text.substring(from));
        }
        pos++;
    }

    private char peek() {
        skipSpace();
        return pos < text.length() ? text.charAt(pos) : 0;
    }

    private void skipSpace() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private static long mul(long a, long b) {
        return b != 0 && a > Long.MAX_VALUE / 4 / b ? Long.MAX_VALUE / 4 : a * b;
    }

    private static long sat(long v) {
        return v < 0 || v > Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : v;
    }
}
