package io.localmodels.api.glasses;

import io.localmodels.analysis.ActionItem;
import io.localmodels.analysis.AnalysisOutcome;
import io.localmodels.analysis.AnalysisStatus;
import io.localmodels.analysis.SessionAnalysis;
import io.localmodels.analysis.TranscriptLine;
import io.localmodels.session.AudioCheckpoint;
import io.localmodels.session.FinalDocument;
import io.localmodels.session.JournalSessionStore;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * What an earlier run of the service stored is there after a restart: the profile writes sessions
 * into a fresh data folder with the store itself before this application instance starts on it.
 */
@QuarkusTest
@TestProfile(SessionRestartTest.EarlierRun.class)
class SessionRestartTest {

    public static class EarlierRun implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path dir = Path.of("target", "test-data-restart-" + UUID.randomUUID());
            JournalSessionStore earlier = new JournalSessionStore(dir, true);
            Instant t = Instant.parse("2026-11-21T09:00:00Z");
            earlier.started("before-restart", "es", t);
            TranscriptLine e = new TranscriptLine(1, "S1", 0.3, 2.1, "Hay que llamar al fontanero.");
            earlier.segment("before-restart", e, t.plusSeconds(3));
            earlier.finished("before-restart", FinalDocument.of("before-restart", "es", List.of(e), new AnalysisOutcome(
                    new SessionAnalysis("Llamar al fontanero.", List.of(new ActionItem("Llamar al fontanero", "", List.of("Buscar el número"),
                            List.of(1))), List.of(), List.of(), List.of()), new AnalysisStatus("ok", "openai", "m", null))), t.plusSeconds(5));
            earlier.started("cut-off", "es", t.plusSeconds(60));
            earlier.segment("cut-off", new TranscriptLine(1, "S1", 0, 1, "Y entonces se fue la luz"), t.plusSeconds(61));
            // a session the earlier run held a moment ago when it crashed: 2 s of audio accounted for, two segments
            Instant now = Instant.now();
            earlier.started("crashed", "es", now.minusSeconds(20));
            earlier.segment("crashed", new TranscriptLine(1, "S1", 0.1, 0.6, "Uno"), now.minusSeconds(15));
            earlier.segment("crashed", new TranscriptLine(2, "S1", 1.0, 1.5, "Dos"), now.minusSeconds(12));
            SHA256Digest d = new SHA256Digest();
            d.update(AUDIO, 0, CHECKPOINT_BYTES);
            earlier.checkpoint("crashed", new AudioCheckpoint(16000, "pcm16", 1, CHECKPOINT_BYTES / 2,
                    CHECKPOINT_BYTES, null, sha256(AUDIO, CHECKPOINT_BYTES),
                    Base64.getEncoder().encodeToString(d.getEncodedState())), now.minusSeconds(10));
            return Map.of("lma.session.data-dir", dir.toString());
        }
    }

    /** 4 s of quiet noise; the earlier run had taken the first 2 s. */
    static final byte[] AUDIO = noise(4 * 32000);
    static final int CHECKPOINT_BYTES = 2 * 32000;

    static byte[] noise(int n) {
        byte[] b = new byte[n];
        Random r = new Random(3);
        for (int i = 0; i < n; i += 2) {
            short v = (short) (r.nextGaussian() * 20);
            b[i] = (byte) v;
            b[i + 1] = (byte) (v >> 8);
        }
        return b;
    }

    static String sha256(byte[] data, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data, 0, length);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    static JsonObject config(String id) {
        return new JsonObject().put("type", "config").put("session_id", id).put("sample_rate", 16000);
    }

    @Test
    void anUnfinishedSessionResumesAfterARestartWhereItsAudioWasAccountedFor() throws Exception {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        Awaitility.await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        given().get("/sessions/crashed").then().statusCode(200).body("analysis.status", equalTo("incomplete"))
                .body("analysis.reason", Matchers.containsString("can be resumed"));
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(config("crashed"));
            var ack = ws.await("config_ack", 10);
            Assertions.assertEquals(true, ack.getBoolean("resumed"));
            Assertions.assertEquals(CHECKPOINT_BYTES / 2, ack.getLong("received_samples"));
            Assertions.assertEquals(CHECKPOINT_BYTES, ack.getLong("received_bytes"));
            Assertions.assertEquals(sha256(AUDIO, CHECKPOINT_BYTES), ack.getString("audio_sha256"));
            ws.binary(Arrays.copyOfRange(AUDIO, CHECKPOINT_BYTES, AUDIO.length));
            ws.json(new JsonObject().put("type", "end_of_stream"));
            var fin = ws.await("final_result", 30);
            var ended = ws.await("stream_ended", 30);
            Assertions.assertEquals(AUDIO.length / 2, ended.getLong("received_samples"));
            Assertions.assertEquals(sha256(AUDIO, AUDIO.length), ended.getString("audio_sha256"),
                    "the hash covers the audio of both runs");
            Assertions.assertEquals(List.of("Uno", "Dos"), fin.getJsonArray("transcript").stream()
                    .map(o -> ((JsonObject) o).getString("text")).toList());
        }
    }

    @Test
    void endedAndExpiredSessionsAreNeverMergedInto() throws Exception {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        Awaitility.await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        String before = given().get("/sessions/before-restart").then().statusCode(200).extract().asString();
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(config("before-restart"));
            var err = ws.await("error", 10);
            Assertions.assertEquals("session_ended", err.getString("code"), err.encode());
            Assertions.assertEquals(false, err.getBoolean("fatal"));
            ws.json(config("cut-off"));
            err = ws.await(m -> "error".equals(m.getString("type")) && !"session_ended".equals(m.getString("code")), 10, "error");
            Assertions.assertEquals("session_expired", err.getString("code"), err.encode());
            // the socket is still usable for a new session
            ws.json(config("after-restart-" + UUID.randomUUID()));
            Assertions.assertEquals(false, ws.await("config_ack", 10).getBoolean("resumed"));
        }
        Assertions.assertEquals(before, given().get("/sessions/before-restart").then().statusCode(200)
                .extract().asString(), "the stored document did not change");
    }

    @Test
    void storedSessionsComeBackAfterARestart() {
        given().get("/sessions/before-restart").then().statusCode(200)
                .body("summary", equalTo("Llamar al fontanero."))
                .body("transcript[0].text", equalTo("Hay que llamar al fontanero."))
                .body("action_items[0].steps[0]", equalTo("Buscar el número"))
                .body("analysis.status", equalTo("ok"));
        given().get("/sessions/cut-off").then().statusCode(200)
                .body("transcript[0].text", equalTo("Y entonces se fue la luz"))
                .body("analysis.status", equalTo("incomplete"));
        given().get("/sessions?since=2026-11-21T00:00:00Z").then().statusCode(200)
                .body("sessions.session_id", hasItem("before-restart"));
    }
}
