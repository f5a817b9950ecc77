package io.localmodels.health;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** No mirror, no network: the service still starts and readiness explains what is missing. */
@QuarkusTest
@TestProfile(MissingModelsTest.NoModels.class)
class MissingModelsTest {

    public static class NoModels implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "lma.models.cache-dir", "target/test-model-cache-empty",
                    "lma.models.mirrors", "target/no-such-mirror",
                    "lma.models.download.enabled", "false");
        }
    }

    @Test
    void requiredModelMissingMakesReadinessDownWithAFixHint() {
        given().get("/q/health/live").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/q/health/ready").then()
                        .body("checks.find { it.name == 'model:silero-vad' }.data.state", equalTo("missing")));

        given().get("/q/health/ready").then()
                .statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'model:silero-vad' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'model:silero-vad' }.data.reason", containsString("downloads disabled"))
                .body("checks.find { it.name == 'model:silero-vad' }.data.hint", containsString("silero_vad.onnx"))
                .body("checks.find { it.name == 'model:silero-vad' }.data.hint", containsString("lma.models.mirrors"))
                .body("checks.find { it.name == 'model:silero-vad' }.data.hint", containsString("fetch-only"))
                // Optional models are reported but do not take the service down.
                .body("checks.find { it.name == 'model:yolox-nano' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'model:yolox-nano' }.data.state", equalTo("missing"))
                .body("checks.find { it.name == 'model:yolox-nano' }.data.required", equalTo(false));

        given().get("/models/silero-vad").then().statusCode(200).body("state", equalTo("missing"));
    }
}
