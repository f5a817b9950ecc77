package io.localmodels.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The tiny random-weight Whisper models and PyTorch goldens made by
 * {@code src/test/python/make_whisper_fixtures.py}, generated once per script version under
 * {@code target/whisper-fixtures}. Needs Debian's python3-torch/python3-onnx/python3-numpy (`.ci/run`
 * installs them) and the shared tokenizer and jfk.wav; without them tests skip and say why.
 */
public final class WhisperFixtures {

    private static final Path SCRIPT = Path.of("src/test/python/make_whisper_fixtures.py");
    private static Path ready;

    private WhisperFixtures() {
    }

    public static synchronized Path dir() {
        if (ready != null) {
            return ready;
        }
        Path tokenizer = SharedFiles.require("models/whisper-tokenizer/tokenizer.json").getParent();
        SharedFiles.require("models/whisper-tokenizer/mel_filters.npz");
        Path audio = SharedFiles.require("audio/jfk.wav").getParent();
        try {
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(SCRIPT)));
            Path out = Path.of("target/whisper-fixtures").toAbsolutePath();
            Path stamp = out.resolve(".complete");
            if (Files.isRegularFile(stamp) && Files.readString(stamp).strip().equals(digest)) {
                return ready = out;
            }
            String python = python();
            if (python == null) {
                skip("Python with torch, onnx and numpy (apt-get install python3-torch python3-onnx python3-numpy, or set LMA_PYTHON)");
            }
            Path log = Files.createDirectories(Path.of("target")).resolve("whisper-fixtures.log");
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(python, SCRIPT.toString(), out.toString(), "--tokenizer", tokenizer.toString(),
                    "--audio", audio.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("fixture generator failed; see " + log + ":\n" + Files.readString(log));
            }
            System.err.printf("generated Whisper fixtures in %.1f s (%s)%n", (System.nanoTime() - t0) / 1e9, out);
            return ready = out;
        } catch (IOException | InterruptedException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The benchmark model: whisper-tiny's shape (d 384, 4+4 layers) with random weights, made by the
     * same script with --bench (about 330 MB, half a minute).
     */
    public static synchronized Path benchModel() {
        return benchModel("tiny");
    }

    /** A real Whisper's shape (tiny, base, small) with random weights, merged decoder: for the benchmarks. */
    public static synchronized Path benchModel(String shape) {
        dir();
        try {
            Path out = Path.of("target/whisper-bench").toAbsolutePath();
            Path model = out.resolve("bench-" + shape);
            if (Files.isRegularFile(model.resolve(".complete"))) {
                return model;
            }
            Process p = new ProcessBuilder(python(), SCRIPT.toString(), out.toString(), "--bench", "--bench-shape", shape, "--tokenizer",
                    SharedFiles.path("models/whisper-tokenizer").toString(), "--audio", SharedFiles.path("audio").toString())
                    .inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("bench model generation failed");
            }
            return model;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fixture folder when it can be made, else null (for test profiles, which cannot skip). */
    public static Path dirOrNull() {
        try {
            return dir();
        } catch (org.opentest4j.TestAbortedException e) {
            return null;
        }
    }

    public static Path model(String name) {
        return dir().resolve(name);
    }

    public static JsonNode goldens() {
        try {
            return new ObjectMapper().readTree(dir().resolve("goldens.json").toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void skip(String what) {
        String reason = "SKIPPED: needs " + what;
        System.err.println(reason);
        Assumptions.abort(reason);
    }

    private static String python() throws InterruptedException {
        return Python.find("import torch, onnx, numpy");
    }
}
