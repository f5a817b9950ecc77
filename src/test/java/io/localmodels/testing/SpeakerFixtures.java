package io.localmodels.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.nio.file.Path;

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
        return ready = Python.generateOnce(SCRIPT, Path.of("target/speaker-fixtures").toAbsolutePath(), WhisperFixtures.WITH_TORCH,
                WhisperFixtures.NEEDS_TORCH,
                "speaker fixtures", 5, audio.toString());
    }

    /** The fixture folder when it can be made, else null (for test profiles, which cannot skip). */
    public static Path dirOrNull() {
        try {
            return dir();
        } catch (TestAbortedException e) {
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
