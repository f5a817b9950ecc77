package io.localmodels.models;

import io.localmodels.testing.FakeHubResource;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.WhisperFixtures;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The init container's fetch-only mode fetches the configured Whisper from the Hub too, into the Hugging Face cache. */
@QuarkusMainTest
@TestProfile(FetchOnlyHubTest.WithWhisper.class)
class FetchOnlyHubTest {

    public static class WithWhisper implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lma.models.fetch-only", "true", "lma.models.cache-dir", "target/test-model-cache-fetch-hub",
                    "lma.models.mirrors", SharedFiles.root().resolve("models").toString());
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeHubResource.class, Map.of("model", "whisper-small"), true));
        }
    }

    @Test
    void fetchesTheCatalogModelsAndTheConfiguredWhisperThenExitsZero(QuarkusMainLauncher launcher) {
        WhisperFixtures.dir();
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        SharedFiles.require("models/yolox-nano/yolox_nano.onnx");
        LaunchResult result = launcher.launch();
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        assertTrue(result.getOutput().contains("all 3 models present and verified"), result.getOutput());
        Path snapshot = FakeHubResource.cacheDir().resolve("models--onnx-community--whisper-small/snapshots").resolve(FakeHubResource.commit());
        assertTrue(Files.isRegularFile(snapshot.resolve("onnx/encoder_model.onnx")), "Whisper in the Hugging Face cache: " + snapshot);
        assertTrue(Files.isRegularFile(snapshot.resolve("onnx/decoder_model_merged.onnx")));
        assertTrue(Files.notExists(snapshot.resolve("onnx/encoder_model_fp16.onnx")), "only the precision that will be loaded");
    }
}
