package io.localmodels.llm;

import java.util.BitSet;

/**
 * A schema's {@code pattern}, read the way llama.cpp's converter (b4916, {@code _visit_pattern}) reads
 * it, refusing what would crash it or leave an unusable grammar: a quantifier with nothing before it (the
 * converter then writes through an empty list: undefined behaviour), {@code (?...)} groups (the same), a
 * stray {@code ]} or {@code }} (it loops forever), counts it cannot parse (an uncaught exception), escapes
 * and character classes llama.cpp's grammar parser does not know, and a repeated part that can be empty
 * (whose grammar has endlessly many ways to match). What passes is the subset the converter handles:
 * literals, {@code .}, classes, groups, alternatives and the {@code * + ? {m} {m,} {m,n}} quantifiers.
 */
final class SchemaPattern {

    /** Escaped in a regular expression, a plain character in a literal (the converter's own list). */
    private static final String REGEX_ESCAPES = "^$.[]()|{}*+?";
    /** Escapes llama.cpp's grammar parser reads inside literals and classes, besides x, u and U. */
    private static final String GRAMMAR_ESCAPES = "trn\\\"[]";

    private final String p;
    private final String path;
    private int i;

    private SchemaPattern(String body, String path) {
        this.p = body;
        this.path = path;
    }

    static void check(String pattern, String path) {
        if (pattern.length() < 2 || pattern.charAt(0) != '^' || pattern.charAt(pattern.length() - 1) != '$') {
            throw new SchemaRefusedException(path, "must start with ^ and end with $ (llama.cpp's converter reads only anchored patterns)");
        }
        String body = pattern.substring(1, pattern.length() - 1);
        if (body.isEmpty()) {
            throw new SchemaRefusedException(path, "is empty between ^ and $");
        }
        for (int k = 0; k < body.length(); k++) {
            if (body.charAt(k) < 0x20 || body.charAt(k) == 0x7f) {
                throw new SchemaRefusedException(path, "holds a control character at " + (k + 1) + "; write it as an escape (\\n, \\t, \\x..)");
            }
        }
        SchemaPattern reader = new SchemaPattern(body, path);
        reader.sequence(false);
        if (reader.i < body.length()) {
            throw reader.refuse("a ')' closes a group that was never opened");
        }
    }

    /** One alternative list, up to its group's ')' (or the end); returns whether it can match nothing. */
    private boolean sequence(boolean inGroup) {
        boolean anyAlternativeNullable = false;
        boolean before = true; // every part before the last one can match nothing
        Boolean last = null; // the part a quantifier applies to (can it match nothing?); null: none yet
        boolean quantified = false;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == ')') {
                if (!inGroup) {
                    return false; // reported by check()
                }
                break;
            }
            if (c == '|') {
                i++;
                anyAlternativeNullable |= before && (last == null || last);
                before = true;
                last = null;
                quantified = false;
                continue;
            }
            if (c == '*' || c == '+' || c == '?') {
                quantifiable(last, quantified);
                if (c != '?' && last) {
                    throw refuse("'" + c + "' repeats a part that can match nothing");
                }
                i++;
                last = c != '+' || last;
                quantified = true;
                continue;
            }
            if (c == '{') {
                quantifiable(last, quantified);
                int[] range = counts();
                if (last && range[1] > 1) {
                    throw refuse("{" + range[0] + "," + (range[1] == Integer.MAX_VALUE ? "" : range[1]) + "} repeats a part that can match nothing");
                }
                last = last || range[0] == 0;
                quantified = true;
                continue;
            }
            // a new part: the one before it is complete
            before &= last == null || last;
            quantified = false;
            switch (c) {
                case '.' -> {
                    i++;
                    last = false;
                }
                case '(' -> {
                    i++;
                    if (i < p.length() && p.charAt(i) == '?') {
                        throw refuse("(?...) groups (non-capturing, lookaround, named) are not supported; use plain ( )");
                    }
                    boolean inner = sequence(true);
                    if (i >= p.length() || p.charAt(i) != ')') {
                        throw refuse("a '(' is never closed");
                    }
                    i++;
                    last = inner;
                }
                case '[' -> {
                    characterClass();
                    last = false;
                }
                case ']', '}' -> throw refuse("a stray '" + c + "' (escape it as \\" + c + ")");
                default -> {
                    literal();
                    last = false;
                }
            }
        }
        return anyAlternativeNullable || before && (last == null || last);
    }

    private void quantifiable(Boolean last, boolean quantified) {
        if (last == null) {
            throw refuse("'" + p.charAt(i) + "' has nothing before it to repeat");
        }
        if (quantified) {
            throw refuse("'" + p.charAt(i) + "' follows another quantifier (lazy and possessive forms are not supported)");
        }
    }

    /** {m}, {m,} or {m,n}, each from 0 to the repetition limit. */
    private int[] counts() {
        int close = p.indexOf('}', i);
        if (close < 0) {
            throw refuse("a '{' is never closed");
        }
        String inside = p.substring(i + 1, close);
        if (!inside.matches("[0-9]{1,6}(,[0-9]{0,6})?")) {
            throw refuse("{" + inside + "} must be {m}, {m,} or {m,n} with whole numbers");
        }
        String[] parts = inside.split(",", -1);
        int min = Integer.parseInt(parts[0]);
        int max = parts.length == 1 ? min : parts[1].isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(parts[1]);
        if (min > SchemaCheck.MAX_REPEAT || max != Integer.MAX_VALUE && max > SchemaCheck.MAX_REPEAT) {
            throw refuse("{" + inside + "} is past the repetition limit of " + SchemaCheck.MAX_REPEAT);
        }
        if (min > max) {
            throw refuse("{" + inside + "} asks for more than its most");
        }
        i = close + 1;
        return new int[] {min, max};
    }

    /** A run of plain characters and escapes, which the converter pastes into a grammar literal. */
    private void literal() {
        char c = p.charAt(i);
        if (c == '\\') {
            if (i + 1 >= p.length()) {
                throw refuse("ends with a lone backslash");
            }
            char e = p.charAt(i + 1);
            if (REGEX_ESCAPES.indexOf(e) >= 0) {
                i += 2;
            } else {
                i = grammarEscape(i, "literal");
            }
        } else {
            i += Character.charCount(p.codePointAt(i));
        }
    }

    /** An escape llama.cpp's grammar parser reads; returns the index after it. */
    private int grammarEscape(int at, String where) {
        char e = p.charAt(at + 1);
        int hex = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
        if (hex > 0) {
            if (at + 2 + hex > p.length() || !p.substring(at + 2, at + 2 + hex).matches("[0-9a-fA-F]+")) {
                throw refuseAt(at, "\\" + e + " needs " + hex + " hex digits");
            }
            codePoint(p.substring(at + 2, at + 2 + hex), at);
            return at + 2 + hex;
        }
        if (GRAMMAR_ESCAPES.indexOf(e) < 0) {
            throw refuseAt(at, "the escape \\" + e + " in a " + where + " is not supported (write classes out: [0-9] for \\d, "
                    + "[a-zA-Z0-9_] for \\w; a plain character needs no backslash)");
        }
        return at + 2;
    }

    /**
     * A [...] class, pasted as it is into the grammar: every escape one the grammar parser reads, ranges in
     * order, and at least one printable character admitted (a class that admits none leaves the model no token).
     */
    private void characterClass() {
        int start = i;
        i++;
        boolean negated = i < p.length() && p.charAt(i) == '^';
        if (negated) {
            i++;
        }
        BitSet lowPlane = new BitSet(0x10000);
        boolean high = false;
        int items = 0;
        while (i < p.length() && p.charAt(i) != ']') {
            int lo = classChar();
            int hi = lo;
            if (i + 1 < p.length() && p.charAt(i) == '-' && p.charAt(i + 1) != ']') {
                i++;
                hi = classChar();
                if (hi < lo) {
                    throw refuseAt(start, "the range in this class runs backwards");
                }
            }
            items++;
            lowPlane.set(Math.min(lo, 0x10000), Math.min(hi, 0xFFFF) + 1);
            high |= hi >= 0x10000;
        }
        if (i >= p.length()) {
            throw refuseAt(start, "a '[' is never closed");
        }
        i++;
        if (items == 0) {
            throw refuseAt(start, "an empty class matches nothing");
        }
        boolean admitsPrintable = negated ? lowPlane.nextClearBit(0x20) < 0x10000 || !high : lowPlane.nextSetBit(0x20) >= 0 || high;
        if (!admitsPrintable) {
            throw refuseAt(start, "this class admits no printable character");
        }
    }

    private int classChar() {
        char c = p.charAt(i);
        if (c == '\\') {
            if (i + 1 >= p.length()) {
                throw refuse("ends with a lone backslash");
            }
            int start = i;
            int end = grammarEscape(i, "class");
            char e = p.charAt(start + 1);
            i = end;
            return switch (e) {
                case 'x', 'u', 'U' -> codePoint(p.substring(start + 2, end), start);
                case 't' -> '\t';
                case 'r' -> '\r';
                case 'n' -> '\n';
                default -> e;
            };
        }
        int cp = p.codePointAt(i);
        i += Character.charCount(cp);
        return cp;
    }

    private int codePoint(String hex, int at) {
        long v = Long.parseLong(hex, 16);
        if (v == 0) {
            throw refuseAt(at, "\\x00: no answer can hold a NUL character");
        }
        if (v > Character.MAX_CODE_POINT) {
            throw refuseAt(at, "\\U" + hex + " is past the last Unicode code point");
        }
        return (int) v;
    }

    private SchemaRefusedException refuse(String why) {
        return refuseAt(i, why);
    }

    private SchemaRefusedException refuseAt(int at, String why) {
        return new SchemaRefusedException(path, why + " (at character " + (at + 2) + ")");
    }
}
