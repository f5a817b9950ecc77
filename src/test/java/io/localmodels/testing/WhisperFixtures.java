package io.localmodels.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tiny random-weight Whisper models and PyTorch goldens made by
 * {@code src/test/python/make_whisper_fixtures.py}, generated once per script version under
 * {@code target/whisper-fixtures}. Needs Debian's python3-torch/python3-onnx/python3-numpy (`.ci/run`
 * installs them) and the shared tokenizer and jfk.wav; without them tests skip and say why.
 */
public final class WhisperFixtures {

    private static final Path SCRIPT = Path.of("src/test/python/make_whisper_fixtures.py");
    static final String WITH_TORCH = "import torch, onnx, numpy";
    static final String NEEDS_TORCH = "Python with torch, onnx and numpy (apt-get install python3-torch python3-onnx python3-numpy, or set LMA_PYTHON)";
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
        return ready = Python.generateOnce(SCRIPT, Path.of("target/whisper-fixtures").toAbsolutePath(), WITH_TORCH,
                NEEDS_TORCH,
                "Whisper fixtures", 10, "--tokenizer", tokenizer.toString(), "--audio", audio.toString());
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
        } catch (TestAbortedException e) {
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

    private static String python() throws InterruptedException {
        return Python.find(WITH_TORCH);
    }
}
