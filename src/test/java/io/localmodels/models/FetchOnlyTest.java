package io.localmodels.models;

import io.localmodels.testing.SharedFiles;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lma.models.fetch-only=true} with a mirror holding every default model: exit 0. */
@QuarkusMainTest
@TestProfile(FetchOnlyTest.FromSharedMirror.class)
class FetchOnlyTest {

    public static class FromSharedMirror implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lma.models.fetch-only", "true",
                    "lma.models.cache-dir", "target/test-model-cache-fetch",
                    "lma.models.mirrors", SharedFiles.path("models").toString());
        }
    }

    @Test
    void fetchesEveryDefaultModelAndExitsZero(QuarkusMainLauncher launcher) {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        SharedFiles.require("models/yolox-nano/yolox_nano.onnx");
        LaunchResult result = launcher.launch();
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        assertTrue(result.getOutput().contains("all 2 models present and verified"), result.getOutput());
        assertTrue(Files.isRegularFile(Path.of("target/test-model-cache-fetch/silero-vad/silero_vad.onnx")));
        assertTrue(Files.isRegularFile(Path.of("target/test-model-cache-fetch/yolox-nano/yolox_nano.onnx")));
    }
}
