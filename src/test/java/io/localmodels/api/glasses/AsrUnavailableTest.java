package io.localmodels.api.glasses;

import io.localmodels.testing.AudioSocketMessages;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without a Whisper model the service runs: readiness says so, HTTP answers 503, sessions get one notice and VAD events. */
@QuarkusTest
class AsrUnavailableTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @Test
    void readinessReportsNoModelButStaysUp() {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'asr' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'asr' }.data.state", equalTo("disabled"))
                .body("checks.find { it.name == 'asr' }.data.hint", notNullValue()));
    }

    @Test
    void transcriptionsAnswer503WithACode() {
        given().multiPart("file", "a.wav", new byte[44], "audio/wav").post("/v1/audio/transcriptions").then().statusCode(503)
                .header("Retry-After", notNullValue()).body("error.code", equalTo("asr_unavailable"));
    }

    @Test
    void sessionsGetOneNoticeAndStillTheirSpeechEvents() throws Exception {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        Wav wav = Wav.read(SharedFiles.require("audio/jfk.wav"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(new JsonObject().put("type", "config").put("sample_rate", 16000));
            ws.await("config_ack", 10);
            AudioSocketMessages.sendFrames(ws, wav.pcm(), 0, wav.pcm().length);
            ws.json(new JsonObject().put("type", "end_of_stream"));
            ws.await("stream_ended", 60);
            List<JsonObject> all = ws.received();
            List<JsonObject> notices = all.stream().filter(m -> "notice".equals(m.getString("type"))).toList();
            assertEquals(1, notices.size(), all.toString());
            assertEquals("asr_unavailable", notices.get(0).getString("code"));
            assertTrue(all.stream().filter(m -> "speech_stopped".equals(m.getString("type"))).count() >= 3);
            assertTrue(all.stream().noneMatch(m -> "partial_result".equals(m.getString("type"))));
        }
    }
}
