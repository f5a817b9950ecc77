package io.localmodels.models;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers; every model byte that reaches the cache goes through one of these digests. */
public final class Sha256 {

    private Sha256() {
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Feeds a file's bytes into {@code digest}; returns how many were read. */
    static long update(MessageDigest digest, Path file) throws IOException {
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int r;
            while ((r = in.read(buf)) > 0) {
                digest.update(buf, 0, r);
                n += r;
            }
        }
        return n;
    }

    public static String of(Path file) throws IOException {
        MessageDigest d = newDigest();
        update(d, file);
        return hex(d);
    }
}
