package io.localmodels.models;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lma.models.fetch-only=true} with nothing reachable: every failure listed, exit 1. */
@QuarkusMainTest
@TestProfile(FetchOnlyFailureTest.NothingReachable.class)
class FetchOnlyFailureTest {

    public static class NothingReachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lma.models.fetch-only", "true",
                    "lma.models.cache-dir", "target/test-model-cache-fetch-none",
                    "lma.models.mirrors", "target/no-such-mirror",
                    "lma.models.download.enabled", "false");
        }
    }

    @Test
    @Launch(value = {}, exitCode = 1)
    void listsEveryModelThatFailedAndExitsNonZero(LaunchResult result) {
        String err = result.getErrorOutput();
        assertTrue(err.contains("2 of 2 models failed"), err);
        assertTrue(err.contains("silero-vad:"), err);
        assertTrue(err.contains("yolox-nano:"), err);
    }
}
