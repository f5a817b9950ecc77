package io.localmodels.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The tiny random-weight GGUF models made by {@code src/test/python/make_gguf_fixture.py} (NumPy
 * only), generated once per script version under {@code target/gguf-fixtures}: {@code
 * tiny-llama.gguf}, {@code tiny-unsupported-arch.gguf}, {@code not-a-gguf.gguf} and {@code
 * tiny-split/}. Without Python and NumPy the tests that need them skip and say why.
 */
public final class LlamaFixtures {

    private static final Path SCRIPT = Path.of("src/test/python/make_gguf_fixture.py");
    private static Path ready;

    private LlamaFixtures() {
    }

    public static synchronized Path dir() {
        if (ready != null) {
            return ready;
        }
        try {
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(SCRIPT)));
            Path out = Path.of("target/gguf-fixtures").toAbsolutePath();
            Path stamp = out.resolve(".complete");
            if (Files.isRegularFile(stamp) && Files.readString(stamp).strip().equals(digest)) {
                return ready = out;
            }
            String python = python();
            if (python == null) {
                String reason = "SKIPPED: needs Python with NumPy (apt-get install python3-numpy, or set LMA_PYTHON) for the GGUF fixtures";
                System.err.println(reason);
                Assumptions.abort(reason);
            }
            Path log = Files.createDirectories(Path.of("target")).resolve("gguf-fixtures.log");
            Process p = new ProcessBuilder(python, SCRIPT.toString(), out.toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("GGUF fixture generator failed; see " + log + ":\n" + Files.readString(log));
            }
            Files.writeString(stamp, digest);
            return ready = out;
        } catch (IOException | InterruptedException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path model() {
        return dir().resolve("tiny-llama.gguf");
    }

    /** The fixture path, or null when it cannot be made (for test profiles, which cannot skip). */
    public static Path modelOrNull() {
        try {
            return model();
        } catch (org.opentest4j.TestAbortedException e) {
            return null;
        }
    }

    private static String python() throws InterruptedException {
        return Python.find("import numpy");
    }
}
