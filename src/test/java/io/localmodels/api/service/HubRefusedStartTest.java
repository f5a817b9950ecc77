package io.localmodels.api.service;

import io.localmodels.testing.FakeHubResource;
import io.localmodels.testing.WhisperFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What readiness says when the Hub refuses: 401 for a gated repository without a token, 404 for a repository that is not there. */
class HubRefusedStartTest {

    private static JsonPath failedAsr() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'asr' }.data.state", equalTo("failed")));
        return given().get("/q/health/ready").then().extract().jsonPath().setRootPath("checks.find { it.name == 'asr' }");
    }

    public static class Gated implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeHubResource.class, Map.of("repo", "org/gated-whisper", "gated", "true",
                    "model", "org/gated-whisper"), true));
        }
    }

    public static class Missing implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeHubResource.class, Map.of("model", "onnx-community/whisper-smal"), true));
        }
    }

    @QuarkusTest
    @TestProfile(Gated.class)
    static class GatedTest {
        @Test
        void aGatedRepositoryWithoutATokenSaysToAcceptTheLicenceAndSetHfToken() {
            WhisperFixtures.dir();
            JsonPath asr = failedAsr();
            assertTrue(asr.getString("data.reason").contains("401"), asr.prettify());
            String hint = asr.getString("data.hint");
            assertTrue(hint.contains("accept its licence") && hint.contains("HF_TOKEN") && hint.contains("/org/gated-whisper"), hint);
            assertEquals("UP", asr.getString("status"), "the rest of the service runs without ASR");
        }
    }

    @QuarkusTest
    @TestProfile(Missing.class)
    static class MissingTest {
        @Test
        void aMisspeltRepositorySaysToCheckTheId() {
            WhisperFixtures.dir();
            JsonPath asr = failedAsr();
            assertTrue(asr.getString("data.reason").contains("404") && asr.getString("data.reason").contains("RepoNotFound"), asr.prettify());
            assertTrue(asr.getString("data.hint").contains("check the repository id"), asr.prettify());
        }
    }
}
