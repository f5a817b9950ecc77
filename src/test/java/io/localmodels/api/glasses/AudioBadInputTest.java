package io.localmodels.api.glasses;

import io.localmodels.testing.RawWebSocket;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each bad input gets its documented error, and a non-fatal one leaves the session usable. */
@QuarkusTest
class AudioBadInputTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    static final JsonObject CONFIG = new JsonObject().put("type", "config").put("sample_rate", 16000).put("encoding", "pcm16");
    static final JsonObject END = new JsonObject().put("type", "end_of_stream");

    @BeforeEach
    void ready() {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    static void assertError(JsonObject m, String code) {
        assertEquals("error", m.getString("type"), m.encode());
        assertEquals(code, m.getString("code"), m.encode());
        assertEquals(false, m.getBoolean("fatal"), m.encode());
        assertFalse(m.getString("message").isBlank());
    }

    /** The session still works: what was accepted is all there at the end. */
    static void assertUsable(WsClient ws, long expectedSamples) throws Exception {
        ws.json(END);
        JsonObject ended = ws.await("stream_ended", 30);
        assertEquals(expectedSamples, ended.getLong("received_samples"), ws.received().toString());
    }

    @Test
    void audioBeforeConfigIsRefusedAndTheSocketStaysUsable() throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.binary(new byte[640]);
            assertError(ws.await("error", 10), "no_config");
            ws.json(new JsonObject().put("type", "audio_chunk").put("data_b64", Base64.getEncoder().encodeToString(new byte[64])));
            assertError(ws.await("error", 10), "no_config");
            ws.json(END);
            assertError(ws.await("error", 10), "no_config");
            ws.json(CONFIG);
            ws.await("config_ack", 10);
            ws.binary(new byte[640]);
            assertUsable(ws, 320);
        }
    }

    @Test
    void secondConfigIsIgnored() throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG);
            String id = ws.await("config_ack", 10).getString("session_id");
            ws.binary(new byte[320]);
            ws.json(CONFIG.copy().put("sample_rate", 48000));
            JsonObject err = ws.await("error", 10);
            assertError(err, "config_already_received");
            assertTrue(err.getString("message").contains(id));
            ws.binary(new byte[320]);
            assertUsable(ws, 320);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "{\"type\": ", "[1,2]", "42", "{\"type\":\"end_of_stream\"} x",
            "{\"type\":\"audio_chunk\",\"data_b64\":\"AAAA\"}}}}garbage", "{\"type\":\"end_of_stream\",\"type\":\"config\"}",
            "{\"type\":\"audio_chunk\",\"data_b64\":\"AAAA\",\"data_b64\":\"AAAAAAAA\"}"})
    void textThatIsNotExactlyOneJsonObjectIsInvalidJson(String text) throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG);
            ws.await("config_ack", 10);
            ws.text(text);
            JsonObject err = ws.await("error", 10);
            assertError(err, "invalid_json");
            assertFalse(err.getString("message").matches(".*(java\\.|Feature|LinkedHashMap|\\$).*"), err.encode());
            assertUsable(ws, 0);
        }
    }

    @Test
    void missingAndUnknownTypes() throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.text("{\"session_id\":\"x\"}");
            assertError(ws.await("error", 10), "missing_type");
            ws.text("{\"type\":7}");
            assertError(ws.await("error", 10), "missing_type");
            ws.text("{\"type\":\"start_recording\"}");
            JsonObject err = ws.await("error", 10);
            assertError(err, "unknown_type");
            assertTrue(err.getString("message").contains("start_recording"));
            ws.json(CONFIG);
            ws.await("config_ack", 10);
            assertUsable(ws, 0);
        }
    }

    @Test
    void invalidBase64() throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG);
            ws.await("config_ack", 10);
            ws.json(new JsonObject().put("type", "audio_chunk").put("chunk_id", 1).put("data_b64", "AAAA$$$$"));
            assertError(ws.await("error", 10), "invalid_base64");
            ws.json(new JsonObject().put("type", "audio_chunk").put("chunk_id", 2));
            assertError(ws.await("error", 10), "invalid_base64");
            ws.json(new JsonObject().put("type", "audio_chunk").put("chunk_id", 3)
                    .put("data_b64", Base64.getEncoder().encodeToString(new byte[200])));
            assertUsable(ws, 100);
        }
    }

    @Test
    void unsupportedRateEncodingChannelsAndVadAreInvalidConfig() throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG.copy().put("sample_rate", 12345));
            JsonObject err = ws.await("error", 10);
            assertError(err, "invalid_config");
            assertTrue(err.getString("message").contains("44100"), err.encode());
            ws.json(CONFIG.copy().put("encoding", "mp3"));
            assertError(ws.await("error", 10), "invalid_config");
            ws.json(CONFIG.copy().put("channels", 6));
            assertError(ws.await("error", 10), "invalid_config");
            ws.json(CONFIG.copy().put("encoding", "opus").put("sample_rate", 44100));
            assertError(ws.await("error", 10), "invalid_config");
            ws.json(CONFIG.copy().put("vad", new JsonObject().put("threshold", 1.5)));
            assertError(ws.await("error", 10), "invalid_config");
            ws.json(CONFIG.copy().put("vad", new JsonObject().put("silence", 3)));
            assertError(ws.await("error", 10), "invalid_config");
            ws.json(CONFIG.copy().put("session_id", "bad id with spaces"));
            assertError(ws.await("error", 10), "invalid_config");
            ws.json(CONFIG.copy().put("sample_rate", "16000"));
            assertError(ws.await("error", 10), "invalid_config");
            // explicit nulls, wire names in another case and languages Whisper does not know are refused, not guessed at
            ws.json(CONFIG.copy().putNull("sample_rate"));
            assertError(ws.await("error", 10), "invalid_config");
            ws.json(CONFIG.copy().putNull("vad"));
            assertError(ws.await("error", 10), "invalid_config");
            ws.json(CONFIG.copy().put("encoding", "PCM16"));
            assertError(ws.await("error", 10), "invalid_config");
            ws.json(CONFIG.copy().put("language", "xx"));
            assertError(ws.await("error", 10), "invalid_config");
            // A valid config after all that starts the session.
            ws.json(CONFIG.copy().put("channels", 2).put("vad", new JsonObject().put("min_silence_ms", 300)));
            assertEquals(2, ws.await("config_ack", 10).getInteger("channels"));
            ws.binary(new byte[400]);
            assertUsable(ws, 100);
        }
    }

    @Test
    void aRegionInTheLanguageIsDroppedToWhispersCode() throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG.copy().put("language", "es-ES"));
            assertEquals("es", ws.await("config_ack", 10).getString("language"));
            assertUsable(ws, 0);
        }
    }

    @Test
    void audioAfterEndOfStreamIsRefusedWithSessionEndedAndTheIdCannotBeUsedAgain() throws Exception {
        String id = "ended-" + UUID.randomUUID();
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG.copy().put("session_id", id));
            ws.await("config_ack", 10);
            // 30 s of audio still in the pipeline when end_of_stream comes: the session is finishing, not finished,
            // when the audio after it is read (with an empty pipeline the server may finish and close before reading it)
            for (int second = 0; second < 30; second++) {
                ws.binary(new byte[32000]);
            }
            ws.json(END);
            ws.binary(new byte[640]);
            assertError(ws.await("error", 10), "session_ended");
            assertEquals(30 * 16000, ws.await("stream_ended", 60).getLong("received_samples"), "the audio after end_of_stream was not counted");
        }
        String stored = given().get("/sessions/" + id).then().statusCode(200).extract().asString();
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG.copy().put("session_id", id));
            assertError(ws.await("error", 10), "session_ended");
            ws.binary(new byte[640]);
            assertError(ws.await("error", 10), "no_config");
        }
        assertEquals(stored, given().get("/sessions/" + id).then().statusCode(200).extract().asString());
    }

    @Test
    void textThatIsNotUtf8ClosesWith1007AndTheSessionStaysResumable() throws Exception {
        String id = "utf8-" + UUID.randomUUID();
        try (RawWebSocket raw = RawWebSocket.connect(base, "/ws/audio")) {
            raw.text(CONFIG.copy().put("session_id", id).encode());
            assertEquals("config_ack", new JsonObject(raw.read(10_000).text()).getString("type"));
            raw.frame(RawWebSocket.BINARY, true, new byte[640]);
            raw.frame(RawWebSocket.TEXT, true, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            var frames = raw.readUntilClose(10_000);
            assertTrue(frames.stream().anyMatch(f -> f.opcode() == 1 && f.text().contains("\"invalid_utf8\"")),
                    RawWebSocket.describe(frames));
            assertEquals(1007, frames.get(frames.size() - 1).closeCode());
        }
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG.copy().put("session_id", id));
            JsonObject ack = ws.await("config_ack", 10);
            assertEquals(true, ack.getBoolean("resumed"));
            assertEquals(320, ack.getLong("received_samples"));
        }
    }

    @Test
    void corruptOpusPacketIsReportedAndTheStreamGoesOn() throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG.copy().put("encoding", "opus").put("sample_rate", 48000));
            ws.await("config_ack", 10);
            // TOC byte of a 20 ms CELT frame followed by bytes that make an invalid packet length (code 3, 0 frames).
            ws.binary(new byte[] {(byte) 0xFB, 0x00});
            JsonObject err = ws.await("error", 10);
            assertError(err, "invalid_audio");
            assertTrue(err.getString("message").contains("Opus"), err.encode());
            // A valid packet (20 ms of CELT silence: TOC only, zero-length frame) still decodes.
            ws.binary(new byte[] {(byte) 0xF8});
            assertUsable(ws, 960);
        }
    }

    @Test
    void zeroLengthFramesAreRefusedAndOneByteFramesAreCarried() throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG);
            ws.await("config_ack", 10);
            ws.binary(new byte[0]);
            assertError(ws.await("error", 10), "empty_frame");
            ws.json(new JsonObject().put("type", "audio_chunk").put("data_b64", ""));
            assertError(ws.await("error", 10), "empty_frame");
            // 101 one-byte frames then 3 bytes: 104 bytes = 52 samples; no byte lost.
            for (int i = 0; i < 101; i++) {
                ws.binary(new byte[] {(byte) i});
            }
            ws.binary(new byte[] {1, 2, 3});
            assertUsable(ws, 52);
        }
    }

    @Test
    void oversizeFramesAreRefusedWithoutClosing() throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG);
            ws.await("config_ack", 10);
            ws.binary(new byte[1024 * 1024 + 2]);
            JsonObject err = ws.await("error", 10);
            assertError(err, "frame_too_large");
            assertTrue(err.getString("message").contains("1048576"));
            ws.json(new JsonObject().put("type", "audio_chunk")
                    .put("data_b64", Base64.getEncoder().encodeToString(new byte[800 * 1024])));
            assertError(ws.await("error", 10), "frame_too_large");
            ws.binary(new byte[1024 * 1024]);
            assertUsable(ws, 512 * 1024);
        }
    }

    @Test
    void repeatedChunkIdsAreIgnored() throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(CONFIG);
            ws.await("config_ack", 10);
            String b64 = Base64.getEncoder().encodeToString(new byte[320]);
            for (int id : new int[] {1, 2, 2, 1, 3, 3}) {
                ws.json(new JsonObject().put("type", "audio_chunk").put("chunk_id", id).put("data_b64", b64));
            }
            assertUsable(ws, 3 * 160);
            assertTrue(ws.received("error").isEmpty(), ws.received().toString());
        }
    }

    @Test
    void aConnectionTheNetworkDroppedIsNotLoggedAsAServerError() throws Exception {
        List<LogRecord> errors = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            for (int i = 0; i < 3; i++) {
                try (RawWebSocket raw = RawWebSocket.connect(base, "/ws/audio")) {
                    raw.text(CONFIG.encode());
                    raw.read(10_000);
                    raw.frame(RawWebSocket.BINARY, true, new byte[64_000]);
                    raw.abort();
                }
                WsClient ws = WsClient.connect(vertx, base);
                ws.json(CONFIG);
                ws.await("config_ack", 10);
                ws.binary(new byte[64_000]);
                ws.drop();
            }
            Thread.sleep(1500);
            assertTrue(errors.isEmpty(), () -> "ERROR log entries for dropped connections: " + errors.stream()
                    .map(r -> r.getLoggerName() + ": " + r.getMessage()).toList());
        } finally {
            root.removeHandler(capture);
        }
    }

    @Test
    void errorsAreCountedInMetrics() throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.text("not json");
            ws.await("error", 10);
        }
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("lma_ws_errors_total{code=\"invalid_json\"}"))
                .body(containsString("lma_sessions_active"))
                .body(containsString("lma_audio_seconds_total"))
                .body(containsString("lma_vad_window_seconds_count"));
    }
}
