package io.localmodels.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.nio.file.Path;
import java.util.Map;

/**
 * The service with the random-weight v2 fixture as its Whisper model, named as users name a folder
 * in their cache or a mirror (tests skip when the fixture cannot be made).
 */
public class WhisperFixtureProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Path dir = WhisperFixtures.dirOrNull();
        return Map.of("lma.asr.model", dir == null ? "target/no-whisper-fixtures" : "v2-merged",
                "lma.models.mirrors", SharedFiles.path("models") + "," + (dir == null ? "target" : dir.toString()),
                "lma.asr.max-batch", "8", "lma.asr.batch-window", "20ms");
    }
}
