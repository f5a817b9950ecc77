package io.localmodels.api.glasses;

import io.localmodels.testing.RawWebSocket;
import io.localmodels.testing.SharedFiles;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documented message limits hold whatever the framing: up to lma.audio.max-frame-bytes (1 MiB)
 * is accepted, above it frame_too_large (the session carries on), above the transport's 4 MiB the
 * connection closes with 1009. Sent as one frame and as eight fragments, binary and audio_chunk.
 */
@QuarkusTest
class AudioFrameSizeTest {

    static final int KIB = 1024;
    static final int MIB = 1024 * 1024;

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void ready() {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    static RawWebSocket configured(URI base) throws Exception {
        RawWebSocket ws = RawWebSocket.connect(base, "/ws/audio");
        ws.text("{\"type\":\"config\",\"sample_rate\":16000}");
        JsonObject ack = new JsonObject(ws.read(10_000).text());
        assertEquals("config_ack", ack.getString("type"), ack.encode());
        return ws;
    }

    /** The audio message of {@code size} bytes on the wire: binary PCM, or an audio_chunk text padded to that size. */
    static byte[] message(String kind, int size) {
        if (kind.equals("binary")) {
            return new byte[size];
        }
        String head = "{\"type\":\"audio_chunk\",\"data_b64\":\"";
        int room = size - head.length() - 2;
        int audio = room / 4 * 3;
        String b64 = Base64.getEncoder().encodeToString(new byte[audio]);
        String pad = " ".repeat(room - b64.length());
        byte[] text = (head + b64 + "\"" + pad + "}").getBytes(StandardCharsets.US_ASCII);
        assertEquals(size, text.length);
        return text;
    }

    static int pcmSamples(String kind, int size) {
        return kind.equals("binary") ? size / 2 : (size - 36) / 4 * 3 / 2;
    }

    static void send(RawWebSocket ws, String kind, byte[] message, int pieces) throws Exception {
        ws.fragmented(kind.equals("binary") ? RawWebSocket.BINARY : RawWebSocket.TEXT, message, pieces);
    }

    @ParameterizedTest(name = "{0} of {1} bytes in {2} frame(s)")
    @CsvSource({"binary, 65537, 1", "binary, 1048576, 1", "binary, 1048576, 8", "text, 65537, 1", "text, 1048576, 1",
            "text, 1048576, 8"})
    void messagesUpToTheLimitAreAccepted(String kind, int size, int pieces) throws Exception {
        try (RawWebSocket ws = configured(base)) {
            send(ws, kind, message(kind, size), pieces);
            ws.text("{\"type\":\"end_of_stream\"}");
            List<RawWebSocket.Frame> frames = ws.readUntilClose(60_000);
            JsonObject ended = frames.stream().filter(f -> f.opcode() == 1).map(f -> new JsonObject(f.text()))
                    .filter(m -> "stream_ended".equals(m.getString("type"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no stream_ended: " + RawWebSocket.describe(frames)));
            assertEquals(pcmSamples(kind, size), ended.getLong("received_samples"));
            assertEquals(1000, frames.get(frames.size() - 1).closeCode(), RawWebSocket.describe(frames));
        }
    }

    @ParameterizedTest(name = "{0} of {1} bytes in {2} frame(s)")
    @CsvSource({"binary, 1048577, 1", "binary, 1048577, 8", "text, 1048577, 1", "text, 1048577, 8"})
    void messagesOverTheLimitGetFrameTooLargeAndTheSessionCarriesOn(String kind, int size, int pieces) throws Exception {
        try (RawWebSocket ws = configured(base)) {
            send(ws, kind, message(kind, size), pieces);
            JsonObject err = new JsonObject(ws.read(10_000).text());
            assertEquals("frame_too_large", err.getString("code"), err.encode());
            assertEquals(false, err.getBoolean("fatal"));
            ws.frame(RawWebSocket.BINARY, true, new byte[640]);
            ws.text("{\"type\":\"end_of_stream\"}");
            List<RawWebSocket.Frame> frames = ws.readUntilClose(60_000);
            assertTrue(frames.stream().anyMatch(f -> f.opcode() == 1 && f.text().contains("\"stream_ended\"")
                    && f.text().contains("\"received_samples\":320")), RawWebSocket.describe(frames));
        }
    }

    @ParameterizedTest(name = "{0} of {1} bytes in {2} frame(s)")
    @CsvSource({"binary, 5242880, 1", "binary, 5242880, 8", "text, 5242880, 1", "text, 5242880, 8"})
    void messagesOverTheTransportLimitClose1009WithAnError(String kind, int size, int pieces) throws Exception {
        try (RawWebSocket ws = configured(base)) {
            ws.frame(RawWebSocket.BINARY, true, new byte[640]);
            try {
                send(ws, kind, message(kind, size), pieces);
            } catch (IOException e) {
                // the server may close while the rest is still being written
            }
            List<RawWebSocket.Frame> frames = ws.readUntilClose(30_000);
            assertTrue(!frames.isEmpty() && frames.get(frames.size() - 1).opcode() == 8, "a close frame: " + RawWebSocket.describe(frames));
            assertEquals(1009, frames.get(frames.size() - 1).closeCode(), RawWebSocket.describe(frames));
            assertTrue(frames.stream().anyMatch(f -> f.opcode() == 1 && f.text().contains("\"message_too_large\"")),
                    RawWebSocket.describe(frames));
        }
    }
}
