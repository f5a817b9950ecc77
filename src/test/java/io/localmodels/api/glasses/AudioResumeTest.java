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
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A socket dropped in the middle of speech, then resumed: nothing lost, nothing doubled, same timeline. */
@QuarkusTest
class AudioResumeTest {

    /** Session ids of this run: the store outlives test runs, and an ended id cannot be used again. */
    static final String RUN = "-" + UUID.randomUUID().toString().substring(0, 8);

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    static String sha256(byte[] data, int length) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update(data, 0, length);
        return HexFormat.of().formatHex(d.digest());
    }

    @Test
    void resumeAfterADropMidSpeechLosesAndDoublesNothing() throws Exception {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        Wav wav = Wav.read(SharedFiles.require("audio/jfk.wav"));
        byte[] pcm = wav.pcm();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        JsonObject config = new JsonObject().put("type", "config").put("sample_rate", 16000).put("encoding", "pcm16");

        // The uninterrupted run is the yardstick.
        Map<Integer, JsonObject> uninterrupted;
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(config.copy().put("session_id", ("resume-yardstick" + RUN)));
            ws.await("config_ack", 10);
            AudioSocketMessages.sendFrames(ws, pcm, 0, pcm.length);
            ws.json(new JsonObject().put("type", "end_of_stream"));
            ws.await("stream_ended", 60);
            uninterrupted = AudioSocketMessages.stops(ws.received());
        }
        assertTrue(uninterrupted.size() >= 3, uninterrupted.toString());

        // First connection: 6.1 s of audio, dropped once the third utterance (5.4-7.6 s) has started.
        int cut = 16000 * 2 * 61 / 10 + 1;
        List<JsonObject> before;
        try (WsClient first = WsClient.connect(vertx, base)) {
            first.json(config.copy().put("session_id", ("resume-1" + RUN)));
            assertEquals(false, first.await("config_ack", 10).getBoolean("resumed"));
            AudioSocketMessages.sendFrames(first, pcm, 0, cut);
            first.await(m -> "speech_started".equals(m.getString("type")) && m.getDouble("start") > 5.0, 30,
                    "speech_started of the third utterance");
            first.drop();
            before = first.received();
        }

        try (WsClient second = WsClient.connect(vertx, base)) {
            second.json(config.copy().put("session_id", ("resume-1" + RUN)));
            JsonObject ack = second.await("config_ack", 10);
            assertEquals(true, ack.getBoolean("resumed"));
            long held = ack.getLong("received_samples");
            // The odd byte sent last is held back until its pair arrives: it is not a sample yet.
            assertEquals((cut - 1) / 2, held, "the server holds exactly what was sent before the drop");
            assertEquals(sha256(pcm, (int) held * 2), ack.getString("audio_sha256"));
            assertEquals(held / 16000.0, ack.getDouble("received_seconds"), 0.001);

            // Continue from the server's position: the pending odd byte's partner comes next.
            AudioSocketMessages.sendFrames(second, pcm, cut, pcm.length);
            second.json(new JsonObject().put("type", "end_of_stream"));
            JsonObject ended = second.await("stream_ended", 60);
            assertEquals(wav.frames(), ended.getLong("received_samples"));
            assertEquals(sha256(pcm, pcm.length), ended.getString("audio_sha256"));

            List<JsonObject> after = second.received();
            List<JsonObject> all = new ArrayList<>(before);
            all.addAll(after);
            Map<Integer, JsonObject> resumed = AudioSocketMessages.stops(all);
            // Every utterance the resumed session reported sits exactly where the uninterrupted run put it.
            for (Map.Entry<Integer, JsonObject> e : resumed.entrySet()) {
                JsonObject want = uninterrupted.get(e.getKey());
                assertEquals(want.getDouble("start"), e.getValue().getDouble("start"), 1e-9, "segment " + e.getKey());
                assertEquals(want.getDouble("end"), e.getValue().getDouble("end"), 1e-9, "segment " + e.getKey());
            }
            // Utterances finished after the drop arrive on the new socket, continuing the numbering.
            assertTrue(AudioSocketMessages.stops(after).keySet().containsAll(List.of(3, uninterrupted.size())), AudioSocketMessages.stops(after).keySet().toString());
            assertEquals(uninterrupted.size(), ended.getInteger("segments"));
        }
    }

    @Test
    void resumeWithADifferentFormatIsRefused() throws Exception {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        try (WsClient first = WsClient.connect(vertx, base)) {
            first.json(new JsonObject().put("type", "config").put("session_id", ("resume-2" + RUN)).put("sample_rate", 16000));
            first.await("config_ack", 10);
            first.binary(new byte[3200]);
            first.drop();
        }
        try (WsClient second = WsClient.connect(vertx, base)) {
            second.json(new JsonObject().put("type", "config").put("session_id", ("resume-2" + RUN)).put("sample_rate", 48000));
            JsonObject err = second.await("error", 10);
            assertEquals("invalid_config", err.getString("code"));
            assertEquals(false, err.getBoolean("fatal"));
            second.json(new JsonObject().put("type", "config").put("session_id", ("resume-2" + RUN)).put("sample_rate", 16000));
            JsonObject ack = second.await("config_ack", 10);
            assertEquals(true, ack.getBoolean("resumed"));
            assertEquals(1600, ack.getLong("received_samples"));
        }
    }
}
