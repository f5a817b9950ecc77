package io.localmodels.llm;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The longest text, in UTF-8 bytes, that a GBNF grammar accepts ({@link #UNBOUNDED} when it has no
 * limit). Every token a grammar lets through adds at least one byte, so this bounds the tokens of
 * any complete answer: a cap at least this large can never cut an answer short inside a string.
 * Reads the GBNF that llama.cpp's schema converter writes: one rule per line; literals, character
 * classes, rule references, groups, alternatives and the ?, *, +, {m}, {m,n} repetitions.
 */
public final class GrammarBound {

    public static final long UNBOUNDED = Long.MAX_VALUE;

    private final Map<String, String> rules = new HashMap<>();
    private final Map<String, Long> memo = new HashMap<>();
    private final Set<String> visiting = new HashSet<>();
    private String text;
    private int pos;

    private GrammarBound(String grammar) {
        for (String line : grammar.split("\n")) {
            int sep = line.indexOf("::=");
            if (sep > 0) {
                rules.put(line.substring(0, sep).strip(), line.substring(sep + 3));
            }
        }
    }

    public static long maxBytes(String grammar) {
        return new GrammarBound(grammar).rule("root");
    }

    private long rule(String name) {
        Long known = memo.get(name);
        if (known != null) {
            return known;
        }
        String body = rules.get(name);
        if (body == null) {
            throw new IllegalArgumentException("the grammar has no rule '" + name + "'");
        }
        if (!visiting.add(name)) {
            return UNBOUNDED; // recursion: nested without a limit
        }
        String savedText = text;
        int savedPos = pos;
        text = body;
        pos = 0;
        long n = alternatives();
        skipSpace();
        if (pos != text.length()) {
            throw new IllegalArgumentException("cannot read rule '" + name + "' at: " + text.substring(pos));
        }
        text = savedText;
        pos = savedPos;
        visiting.remove(name);
        memo.put(name, n);
        return n;
    }

    private long alternatives() {
        long best = sequence();
        while (peek() == '|') {
            pos++;
            best = Math.max(best, sequence());
        }
        return best;
    }

    private long sequence() {
        long total = 0;
        while (true) {
            skipSpace();
            char c = peek();
            if (c == 0 || c == '|' || c == ')') {
                return total;
            }
            long atom = atom();
            total = add(total, repeat(atom));
        }
    }

    private long atom() {
        char c = peek();
        if (c == '"') {
            return literal();
        }
        if (c == '[') {
            return charClass();
        }
        if (c == '(') {
            pos++;
            long n = alternatives();
            skipSpace();
            expect(')');
            return n;
        }
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '-' || text.charAt(pos) == '_')) {
            pos++;
        }
        if (start == pos) {
            throw new IllegalArgumentException("unexpected '" + c + "' in grammar");
        }
        return rule(text.substring(start, pos));
    }

    private long repeat(long atom) {
        char c = pos < text.length() ? text.charAt(pos) : 0;
        switch (c) {
            case '?' -> {
                pos++;
                return atom;
            }
            case '*', '+' -> {
                pos++;
                return atom == 0 ? 0 : UNBOUNDED;
            }
            case '{' -> {
                int close = text.indexOf('}', pos);
                String[] range = text.substring(pos + 1, close).split(",", -1);
                pos = close + 1;
                String max = range.length == 1 ? range[0] : range[1];
                if (max.isBlank()) {
                    return atom == 0 ? 0 : UNBOUNDED;
                }
                return mul(atom, Long.parseLong(max.strip()));
            }
            default -> {
                return atom;
            }
        }
    }

    private long literal() {
        pos++;
        StringBuilder b = new StringBuilder();
        while (text.charAt(pos) != '"') {
            b.appendCodePoint(escaped());
        }
        pos++;
        return b.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    /** The longest UTF-8 encoding of a character the class admits. */
    private long charClass() {
        pos++;
        boolean negated = peekRaw() == '^';
        if (negated) {
            pos++;
        }
        int highest = 0;
        boolean excludesAstral = false;
        while (text.charAt(pos) != ']') {
            int lo = escaped();
            int hi = lo;
            if (text.charAt(pos) == '-' && text.charAt(pos + 1) != ']') {
                pos++;
                hi = escaped();
            }
            highest = Math.max(highest, hi);
            excludesAstral |= lo <= 0x10000 && hi >= 0x10FFFF;
        }
        pos++;
        if (negated) {
            return excludesAstral ? 3 : 4;
        }
        return highest < 0x80 ? 1 : highest < 0x800 ? 2 : highest < 0x10000 ? 3 : 4;
    }

    private int escaped() {
        char c = text.charAt(pos++);
        if (c != '\\') {
            if (Character.isHighSurrogate(c)) {
                return Character.toCodePoint(c, text.charAt(pos++));
            }
            return c;
        }
        char e = text.charAt(pos++);
        return switch (e) {
            case 'x' -> hex(2);
            case 'u' -> hex(4);
            case 'U' -> hex(8);
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            default -> e;
        };
    }

    private int hex(int digits) {
        int v = (int) Long.parseLong(text.substring(pos, pos + digits), 16);
        pos += digits;
        return v;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw new IllegalArgumentException("expected '" + c + "' in grammar at: " + text.substring(pos));
        }
        pos++;
    }

    private char peek() {
        skipSpace();
        return peekRaw();
    }

    private char peekRaw() {
        return pos < text.length() ? text.charAt(pos) : 0;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private static long add(long a, long b) {
        return a == UNBOUNDED || b == UNBOUNDED ? UNBOUNDED : a + b;
    }

    private static long mul(long a, long n) {
        return a == UNBOUNDED ? (n == 0 ? 0 : UNBOUNDED) : a * n;
    }
}
