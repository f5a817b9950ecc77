package io.localmodels.api.glasses;

import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Session limits with small values: busy, flood beyond the buffer, idle timeout, maximum length. */
@QuarkusTest
@TestProfile(AudioLimitsTest.SmallLimits.class)
class AudioLimitsTest {

    /** Session ids of this run: the store outlives test runs, and an ended id cannot be used again. */
    static final String RUN = "-" + UUID.randomUUID().toString().substring(0, 8);

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "lma.audio.max-sessions", "2",
                    "lma.audio.max-buffered-bytes", "32000",
                    "lma.audio.idle-timeout", "2s",
                    "lma.audio.config-timeout", "1s",
                    "lma.audio.max-session-duration", "3s",
                    "lma.audio.workers", "1");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    static final JsonObject CONFIG = new JsonObject().put("type", "config").put("sample_rate", 16000);

    @BeforeEach
    void ready() {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        // Sockets of the previous test close asynchronously; each test starts with every slot free.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/metrics").then()
                .body(Matchers.containsString("lma_sessions_active 0.0")));
    }

    @Test
    void sessionsBeyondTheLimitGetBusyAndClose1013() throws Exception {
        try (WsClient a = WsClient.connect(vertx, base); WsClient b = WsClient.connect(vertx, base)) {
            a.json(CONFIG);
            a.await("config_ack", 10);
            b.json(CONFIG);
            b.await("config_ack", 10);
            given().get("/q/metrics").then().body(Matchers.containsString("lma_sessions_active 2.0"));
            try (WsClient c = WsClient.connect(vertx, base)) {
                c.json(CONFIG);
                JsonObject err = c.await("error", 10);
                assertEquals("busy", err.getString("code"));
                assertEquals(true, err.getBoolean("fatal"));
                assertEquals(1013, c.awaitClose(10));
            }
        }
        // Slots come back when sockets close.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (WsClient d = WsClient.connect(vertx, base)) {
                d.json(CONFIG);
                d.await("config_ack", 10);
            }
        });
    }

    @Test
    void floodFasterThanRealTimeIsRefusedFromTheFirstRefusalOnSoTheSessionHasNoHole() throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG);
            ws.await("config_ack", 10);
            byte[] frame = new byte[3200];
            for (int i = 0; i < frame.length; i += 2) {
                frame[i + 1] = (byte) ((i * 37) % 50);
            }
            // 400 frames of 100 ms is 40 s of audio in well under a second: far above the 32 kB bound.
            for (int i = 0; i < 400; i++) {
                ws.binary(frame);
            }
            JsonObject refused = ws.await(m -> "overloaded".equals(m.getString("code")), 10, "overloaded");
            assertEquals(false, refused.getBoolean("fatal"));
            long position = refused.getLong("received_bytes");
            assertTrue(position > 0 && position < 400 * 3200 && position % 3200 == 0, refused.encode());
            assertEquals(position / 2, refused.getLong("received_samples"));
            // the audio after the refusal was refused too: the session holds exactly the audio before it
            ws.json(new JsonObject().put("type", "resume_audio").put("received_bytes", position));
            ws.json(new JsonObject().put("type", "end_of_stream"));
            JsonObject ended = ws.await("stream_ended", 30);
            assertEquals(position / 2, ended.getLong("received_samples"), ws.received().toString());
            assertTrue(ws.received("error").stream().allMatch(e -> "overloaded".equals(e.getString("code"))
                    && e.getLong("received_bytes") == position), ws.received("error").toString());
        }
    }

    @Test
    void floodBeyondTheBufferIsReported() throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG);
            ws.await("config_ack", 10);
            byte[] frame = new byte[30000];
            ws.binary(frame);
            ws.binary(frame);
            ws.binary(frame);
            JsonObject err = ws.await("error", 10);
            assertEquals("overloaded", err.getString("code"));
            assertTrue(err.getString("message").contains("max-buffered-bytes"));
        }
    }

    @Test
    void idleSocketIsToldAndClosedButTheSessionStaysResumable() throws Exception {
        String id;
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG.copy().put("session_id", ("idle-1" + RUN)));
            id = ws.await("config_ack", 10).getString("session_id");
            ws.binary(new byte[640]);
            JsonObject err = ws.await("error", 15);
            assertEquals("idle_timeout", err.getString("code"));
            assertEquals(true, err.getBoolean("fatal"));
            assertEquals(1000, ws.awaitClose(10));
        }
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG.copy().put("session_id", id));
            JsonObject ack = ws.await("config_ack", 10);
            assertEquals(true, ack.getBoolean("resumed"));
            assertEquals(320, ack.getLong("received_samples"));
        }
    }

    @Test
    void socketWithoutConfigIsClosedAfterTheConfigTimeout() throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            JsonObject err = ws.await("error", 15);
            assertEquals("config_timeout", err.getString("code"));
            assertEquals(1008, ws.awaitClose(10));
        }
    }

    @Test
    void sessionLongerThanTheLimitEnds() throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG);
            ws.await("config_ack", 10);
            // 0.25 s frames until the 3 s limit; this profile's small buffer may refuse some (overloaded).
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (!ws.isClosed() && System.nanoTime() < deadline
                    && ws.received("error").stream().noneMatch(e -> "session_too_long".equals(e.getString("code")))) {
                ws.binary(new byte[8000]);
                Thread.sleep(20);
            }
            JsonObject err = ws.await(m -> "session_too_long".equals(m.getString("code")), 15, "session_too_long");
            assertEquals(true, err.getBoolean("fatal"));
            assertEquals(1008, ws.awaitClose(10));
            assertTrue(ws.received("stream_ended").size() == 1, ws.received().toString());
        }
    }
}
