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
 * Random-weight speaker-embedding models in sherpa-onnx's layouts and their torch goldens, made by
 * {@code src/test/python/make_speaker_fixtures.py} once per script version under
 * {@code target/speaker-fixtures}. Without Python's torch/onnx/numpy or the shared jfk.wav, tests skip and say why.
 */
public final class SpeakerFixtures {

    private static final Path SCRIPT = Path.of("src/test/python/make_speaker_fixtures.py");
    private static Path ready;

    private SpeakerFixtures() {
    }

    public static synchronized Path dir() {
        if (ready != null) {
            return ready;
        }
        Path audio = SharedFiles.require("audio/jfk.wav");
        try {
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(SCRIPT)));
            Path out = Path.of("target/speaker-fixtures").toAbsolutePath();
            Path stamp = out.resolve(".complete");
            if (Files.isRegularFile(stamp) && Files.readString(stamp).strip().equals(digest)) {
                return ready = out;
            }
            String python = Python.find("import torch, onnx, numpy");
            if (python == null) {
                String reason = "SKIPPED: needs Python with torch, onnx and numpy (apt-get install python3-torch python3-onnx"
                        + " python3-numpy, or set LMA_PYTHON)";
                System.err.println(reason);
                Assumptions.abort(reason);
            }
            Path log = Files.createDirectories(Path.of("target")).resolve("speaker-fixtures.log");
            Process p = new ProcessBuilder(python, SCRIPT.toString(), out.toString(), audio.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("speaker fixture generator failed; see " + log + ":\n" + Files.readString(log));
            }
            Files.writeString(stamp, digest);
            return ready = out;
        } catch (IOException | InterruptedException | java.security.NoSuchAlgorithmException e) {
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

    public static JsonNode goldens() {
        try {
            return new ObjectMapper().readTree(dir().resolve("goldens.json").toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
