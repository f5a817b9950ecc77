package io.localmodels.health;

import io.localmodels.testing.SharedFiles;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

/** With the shared mirror configured, the real models load on CPU and readiness says so. */
@QuarkusTest
class ReadinessTest {

    @Test
    void livenessAnswersAtOnce() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void sileroIsListedAsLoadedFromTheMirror() {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().get("/q/health/ready").then().statusCode(200));

        given().get("/q/health/ready").then()
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'model:silero-vad' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'model:silero-vad' }.data.state", equalTo("loaded"))
                .body("checks.find { it.name == 'model:silero-vad' }.data.provider", equalTo("cpu"))
                .body("checks.find { it.name == 'model:silero-vad' }.data.required", equalTo(true))
                .body("checks.find { it.name == 'model:silero-vad' }.data.file", endsWith("silero-vad/silero_vad.onnx"))
                .body("checks.find { it.name == 'inference' }.data.provider", equalTo("cpu"));

        given().get("/models/silero-vad").then().statusCode(200)
                .body("state", equalTo("loaded"))
                .body("provider", equalTo("cpu"))
                .body("files[0].sha256", equalTo("1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3"));
    }

    @Test
    void metricsCarryTheServicePrefixBesideJvmAndHttpDefaults() {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().get("/q/health/ready").then().statusCode(200));
        given().get("/models").then().statusCode(200);

        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("lma_models_loaded 2.0"))
                .body(containsString("lma_inference_provider{provider=\"cpu\"} 1.0"))
                .body(containsString("lma_model_load_seconds_count{model=\"silero-vad\"} 1"))
                .body(containsString("jvm_memory_used_bytes"))
                .body(containsString("http_server_requests_seconds_count"));
    }
}
