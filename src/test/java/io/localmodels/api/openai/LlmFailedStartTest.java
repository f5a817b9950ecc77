package io.localmodels.api.openai;

import io.localmodels.testing.LlamaFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

/**
 * lma.llm.model naming a file that is not GGUF: readiness says llm failed and why (and stays UP: audio
 * and vision work), /v1/chat/completions answers 503 model_unavailable with the reason, /v1/models is empty.
 */
@QuarkusTest
@TestProfile(LlmFailedStartTest.NotGguf.class)
class LlmFailedStartTest {

    public static class NotGguf implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path dir = null;
            try {
                dir = LlamaFixtures.dir();
            } catch (TestAbortedException e) {
                // no Python: the test skips below
            }
            return Map.of("lma.llm.model", dir == null ? "target/no-gguf-fixtures/not-a-gguf.gguf" : dir.resolve("not-a-gguf.gguf").toString());
        }
    }

    @Test
    void readinessAndTheChatRouteSayWhy() {
        LlamaFixtures.dir();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'llm' }.data.state", equalTo("failed"))
                .body("checks.find { it.name == 'llm' }.data.reason", containsString("not a GGUF file"))
                .body("checks.find { it.name == 'llm' }.data.hint", containsString("lma.llm.model")));
        given().contentType("application/json").body("{\"messages\":[{\"role\":\"user\",\"content\":\"hola\"}]}").post("/v1/chat/completions")
                .then().statusCode(503).body("error.code", equalTo("model_unavailable"))
                .body("error.message", containsString("not a GGUF file"));
        given().get("/v1/models").then().statusCode(200).body("object", equalTo("list")).body("data", empty());
    }
}
