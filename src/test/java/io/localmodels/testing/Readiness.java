package io.localmodels.testing;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Waits for the service under test to report a model ready. */
public final class Readiness {

    private Readiness() {
    }

    /** The fixture GGUF made, and the embedded LLM loaded from it: readiness' {@code llm} check says ready (within 90 s). */
    public static void awaitLlm() {
        LlamaFixtures.model();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'llm' }.data.state", equalTo("ready")));
    }

    /** The fixture GGUF made, and both the embedded LLM and Whisper ready (within 90 s): what the Live pipeline needs. */
    public static void awaitLlmAndAsr() {
        LlamaFixtures.model();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'llm' }.data.state", equalTo("ready"))
                .body("checks.find { it.name == 'asr' }.data.state", equalTo("ready")));
    }

    /** Whisper loaded: readiness' {@code asr} check says ready (within a minute). */
    public static void awaitAsr() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'asr' }.data.state", equalTo("ready")));
    }
}
