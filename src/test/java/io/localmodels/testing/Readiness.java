package io.localmodels.testing;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Waits for the service under test to report a model ready. */
public final class Readiness {

    private Readiness() {
    }

    /** Whisper loaded: readiness' {@code asr} check says ready (within a minute). */
    public static void awaitAsr() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'asr' }.data.state", equalTo("ready")));
    }
}
