package io.localmodels.api.glasses;

import io.localmodels.testing.SharedFiles;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A speaker model that is not in a sherpa-onnx layout (no framework in its metadata): sessions are
 * told once, with the reason, that every line is S1, and are transcribed as usual.
 */
@QuarkusTest
@TestProfile(SpeakerModelRefusedTest.Profile.class)
class SpeakerModelRefusedTest {

    public static class Profile extends SpeakerModelTest.WithSpeakerFixture {
        @Override
        String file() {
            return "no-metadata.onnx";
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @BeforeEach
    void ready() {
        SpeakerModelTest.fixturesAndAsrReady();
    }

    @Test
    void sessionsAreToldWhyEveryLineIsS1() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> SpeakerModelTest.stream(vertx, base, SharedFiles.require("audio/jfk.wav")).stream()
                .anyMatch(m -> "speakers_unavailable".equals(m.getString("code")) && m.getString("message").contains("framework")));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'speakers' }.data.state", equalTo("unavailable"))
                .body("checks.find { it.name == 'speakers' }.data.reason", Matchers.containsString("framework"));
        List<JsonObject> messages = SpeakerModelTest.stream(vertx, base, SharedFiles.require("audio/picovoice/falcon_3speakers.wav"));
        List<JsonObject> notices = messages.stream().filter(m -> "speakers_unavailable".equals(m.getString("code"))).toList();
        assertEquals(1, notices.size(), "told once: " + messages);
        assertTrue(notices.get(0).getString("message").contains("no-metadata.onnx"), notices.get(0).encode());
        List<JsonObject> partials = messages.stream().filter(m -> "partial_result".equals(m.getString("type"))).toList();
        assertEquals(3, partials.size(), "transcribed as usual: " + partials);
        assertTrue(partials.stream().allMatch(p -> "S1".equals(p.getString("speaker"))), partials.toString());
    }
}
