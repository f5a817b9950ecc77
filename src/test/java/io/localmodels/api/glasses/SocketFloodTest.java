package io.localmodels.api.glasses;

import io.localmodels.testing.RawWebSocket;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One client cannot lock others out: sockets that never send a config hold no session slot and are
 * bounded and timed out; connections that never finish (or never start) a request are closed.
 * Every socket here comes from 127.0.0.1, the real client's address too.
 */
@QuarkusTest
@TestProfile(SocketFloodTest.Limits.class)
class SocketFloodTest {

    public static class Limits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lma.audio.max-sessions", "8", "lma.audio.config-timeout", "1s", "quarkus.http.idle-timeout", "2s");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @BeforeEach
    void ready() {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    /** Whether the server closed {@code s} (end of stream or reset) within {@code ms}. */
    static boolean closedByServer(Socket s, long ms) throws Exception {
        s.setSoTimeout((int) ms);
        InputStream in = s.getInputStream();
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    @Test
    void twoHundredSilentSocketsCannotKeepARealClientOut() throws Exception {
        List<RawWebSocket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                silent.add(RawWebSocket.connect(base, "/ws/audio"));
            }
            long t0 = System.nanoTime();
            try (WsClient real = WsClient.connect(vertx, base)) {
                real.json(new JsonObject().put("type", "config").put("sample_rate", 16000));
                JsonObject ack = real.await("config_ack", 10);
                System.out.printf("200 silent sockets open: a real client got config_ack in %.0f ms%n", (System.nanoTime() - t0) / 1e6);
                assertEquals(false, ack.getBoolean("resumed"));
                real.binary(new byte[3200]);
                real.json(new JsonObject().put("type", "end_of_stream"));
                assertEquals(1600, real.await("stream_ended", 30).getLong("received_samples"));
            }
            // each silent socket was closed with config_timeout: to make room (at most 16 wait per address,
            // lma.audio.max-pending-sockets-per-address), or at the config deadline
            int evicted = 0;
            for (RawWebSocket s : silent) {
                List<RawWebSocket.Frame> frames = s.readUntilClose(10_000);
                assertTrue(frames.stream().anyMatch(f -> f.opcode() == 1 && f.text().contains("\"config_timeout\"")),
                        RawWebSocket.describe(frames));
                assertEquals(1008, frames.get(frames.size() - 1).closeCode());
                evicted += frames.stream().anyMatch(f -> f.opcode() == 1 && f.text().contains("make room")) ? 1 : 0;
            }
            System.out.printf("silent sockets: %d closed to make room, %d at the config deadline%n", evicted, 200 - evicted);
        } finally {
            for (RawWebSocket s : silent) {
                s.close();
            }
        }
    }

    @Test
    void connectionsThatNeverSendOrNeverFinishARequestAreClosed() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                idle.add(RawWebSocket.tcp(base));
            }
            for (int i = 0; i < 100; i++) {
                Socket s = RawWebSocket.tcp(base);
                s.getOutputStream().write(("GET /ws/audio HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                idle.add(s);
            }
            // health answers meanwhile
            given().get("/q/health/live").then().statusCode(200);
            for (Socket s : idle) {
                assertTrue(closedByServer(s, 10_000), "a connection that sent no complete request was left open");
            }
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }
}
