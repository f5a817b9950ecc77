package io.localmodels.api.http;

import java.util.Base64;

/**
 * Base64 as RFC 4648 defines it (standard alphabet, optional padding, MIME line breaks allowed).
 * The JDK's MIME decoder skips characters outside the alphabet, which would turn a typo, a URL-safe
 * encoding or a stray space into silently different bytes; here they are an error that says where.
 */
public final class StrictBase64 {

    private StrictBase64() {
    }

    public static byte[] decode(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
                    || c == '/' || c == '=' || c == '\r' || c == '\n';
            if (!ok) {
                throw new IllegalArgumentException((c == '-' || c == '_'
                        ? "'" + c + "' at " + i + " is from the URL-safe alphabet; use the standard one (+ and /)"
                        : "illegal character " + describe(c) + " at " + i));
            }
        }
        return Base64.getMimeDecoder().decode(s);
    }

    private static String describe(char c) {
        return c == ' ' ? "' ' (a space)" : c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }
}
