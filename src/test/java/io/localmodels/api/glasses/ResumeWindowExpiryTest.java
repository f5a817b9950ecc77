package io.localmodels.api.glasses;

import io.localmodels.testing.AudioSocketMessages;
import io.localmodels.testing.Readiness;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import io.localmodels.testing.WhisperFixtureProfile;
import io.localmodels.testing.WhisperFixtures;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A session whose socket dropped mid-sentence and never came back: when its resume window closes,
 * the open utterance is closed, transcribed and stored, the session is analysed and ended as
 * end_of_stream would, and its id cannot be reused to change what was stored.
 */
@QuarkusTest
@TestProfile(ResumeWindowExpiryTest.ShortWindow.class)
class ResumeWindowExpiryTest {

    public static class ShortWindow extends WhisperFixtureProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(super.getConfigOverrides());
            m.put("lma.session.resume-window", "2s");
            return m;
        }
    }

    static final String RUN = "-" + UUID.randomUUID().toString().substring(0, 8);

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @Test
    void openSpeechIsTranscribedAndStoredWhenTheResumeWindowCloses() throws Exception {
        WhisperFixtures.dir();
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        byte[] pcm = Wav.read(SharedFiles.require("audio/jfk.wav")).pcm();
        Readiness.awaitAsr();
        String id = "expiry-1" + RUN;
        int cut = 7 * 32000; // inside jfk.wav's third utterance (5.4–7.6 s)
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(new JsonObject().put("type", "config").put("session_id", id).put("sample_rate", 16000));
            ws.await("config_ack", 10);
            AudioSocketMessages.sendFrames(ws, pcm, 0, cut);
            ws.await("partial_result", 30);
            ws.drop();
        }
        // the window closes 2 s after the drop; the session then ends on its own
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/sessions/" + id).then().statusCode(200)
                .body("analysis.status", notNullValue())
                .body("analysis.status", Matchers.not(Matchers.oneOf("pending", "incomplete"))));
        List<Float> ends = given().get("/sessions/" + id).then().extract().path("transcript.end");
        assertEquals(cut / 2 / 16000.0, ends.get(ends.size() - 1), 0.05,
                "the utterance open at the drop was closed where the audio ended, transcribed and stored: " + ends);
        String stored = given().get("/sessions/" + id).then().extract().asString();
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(new JsonObject().put("type", "config").put("session_id", id).put("sample_rate", 16000));
            JsonObject err = ws.await("error", 10);
            assertEquals("session_ended", err.getString("code"), err.encode());
            // the client never sent end_of_stream: the refusal must not say it did
            assertTrue(!err.getString("message").contains("end_of_stream"), err.encode());
        }
        assertEquals(stored, given().get("/sessions/" + id).then().extract().asString());
    }
}
