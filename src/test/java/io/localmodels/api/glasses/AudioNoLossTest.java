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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Audio sent faster than the session takes it is refused without holes, and a client that follows
 * docs/protocol.md's loop (re-send from the position the error names) ends with all of its audio:
 * after a reconnect that flushes the app's buffer, with chunk ids and with plain binary frames.
 */
@QuarkusTest
@TestProfile(AudioNoLossTest.SmallBuffer.class)
class AudioNoLossTest {

    public static class SmallBuffer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lma.audio.max-buffered-bytes", "64000", "lma.audio.workers", "1");
        }
    }

    static final String RUN = "-" + UUID.randomUUID().toString().substring(0, 8);

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    static final JsonObject END = new JsonObject().put("type", "end_of_stream");

    @BeforeEach
    void ready() {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    static JsonObject config(String id) {
        return new JsonObject().put("type", "config").put("session_id", id).put("sample_rate", 16000);
    }

    /** {@code n} chunks of quiet noise, each different, so a chunk out of place changes the hash. */
    static byte[][] chunks(int n, int bytes, long seed) {
        Random r = new Random(seed);
        byte[][] out = new byte[n][bytes];
        for (byte[] c : out) {
            for (int i = 0; i < bytes; i += 2) {
                short v = (short) (r.nextGaussian() * 30);
                c[i] = (byte) v;
                c[i + 1] = (byte) (v >> 8);
            }
        }
        return out;
    }

    static String sha256(byte[][] chunks) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (byte[] c : chunks) {
            d.update(c);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    static void sendChunk(WsClient ws, byte[][] chunks, int i, boolean chunkIds) throws Exception {
        if (chunkIds) {
            ws.json(new JsonObject().put("type", "audio_chunk").put("chunk_id", i)
                    .put("data_b64", Base64.getEncoder().encodeToString(chunks[i])));
        } else {
            ws.binary(chunks[i]);
        }
    }

    record Outcome(JsonObject ended, int refusals, int rounds) {
    }

    /**
     * The client loop of docs/protocol.md: send in order as fast as possible, then end_of_stream; on an
     * error that names a position (overloaded, resume_mismatch) wait a little and continue from the
     * newest one (chunk_id, or resume_audio with received_bytes for binary frames); done at stream_ended.
     */
    static Outcome sendEverything(WsClient ws, byte[][] chunks, int from, boolean chunkIds) throws Exception {
        int next = from;
        int refusals = 0;
        int rounds = 0;
        int seen = ws.received().size();
        while (true) {
            rounds++;
            assertTrue(rounds < 200, "the loop does not converge: " + ws.received("error"));
            for (; next < chunks.length; next++) {
                sendChunk(ws, chunks, next, chunkIds);
            }
            ws.json(END);
            List<JsonObject> fresh;
            long deadline = System.nanoTime() + 120_000_000_000L;
            do {
                assertTrue(System.nanoTime() < deadline, "no stream_ended or error with a position: " + ws.received());
                Thread.sleep(100);
                fresh = ws.received();
                fresh = fresh.subList(seen, fresh.size());
            } while (fresh.stream().noneMatch(x -> "stream_ended".equals(x.getString("type")) || positioned(x)));
            seen += fresh.size();
            JsonObject ended = fresh.stream().filter(x -> "stream_ended".equals(x.getString("type"))).findFirst().orElse(null);
            if (ended != null) {
                return new Outcome(ended, refusals, rounds);
            }
            JsonObject m = fresh.stream().filter(AudioNoLossTest::positioned).reduce((a, b) -> b).orElseThrow();
            refusals++;
            long at = m.getLong("received_bytes");
            if (chunkIds) {
                assertNotNull(m.getLong("chunk_id"), m.encode());
                next = m.getLong("chunk_id").intValue();
            } else {
                assertEquals(0, at % chunks[0].length, m.encode());
                next = (int) (at / chunks[0].length);
                ws.json(new JsonObject().put("type", "resume_audio").put("received_bytes", at));
            }
        }
    }

    static boolean positioned(JsonObject m) {
        return "error".equals(m.getString("type")) && m.containsKey("received_bytes");
    }

    @Test
    void aClientThatFlushesItsBufferAfterAReconnectEndsWithAllOfItsAudio() throws Exception {
        byte[][] chunks = chunks(1000, 6400, 17);
        long t0 = System.nanoTime();
        try (WsClient first = WsClient.connect(vertx, base)) {
            first.json(config("flush-1" + RUN));
            first.await("config_ack", 10);
            for (int i = 0; i < 600; i++) {
                sendChunk(first, chunks, i, true);
            }
            first.drop();
        }
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(config("flush-1" + RUN));
            JsonObject ack = ws.await("config_ack", 30);
            assertEquals(true, ack.getBoolean("resumed"));
            assertEquals(ack.getLong("received_bytes") / 2, ack.getLong("received_samples"));
            // the app flushes its whole buffer, from the first chunk: what the server took is skipped by chunk_id
            Outcome o = sendEverything(ws, chunks, 0, true);
            assertEquals(1000L * 3200, o.ended().getLong("received_samples"), ws.received().toString());
            assertEquals(sha256(chunks), o.ended().getString("audio_sha256"));
            System.out.printf("flush after reconnect: 1000 chunks of 6400 B (200 s of audio), first connection took %d B before the"
                            + " drop; %d refusals, %d rounds, %.1f s; all %d samples held, sha256 equal%n", ack.getLong("received_bytes"),
                    o.refusals(), o.rounds(), (System.nanoTime() - t0) / 1e9, o.ended().getLong("received_samples"));
            assertTrue(o.refusals() > 0, "the test must make the server refuse something");
        }
    }

    @Test
    void aBinaryClientThatResumesAtTheNamedByteEndsWithAllOfItsAudio() throws Exception {
        byte[][] chunks = chunks(400, 6400, 23);
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(config("binary-loop-1" + RUN));
            ws.await("config_ack", 10);
            Outcome o = sendEverything(ws, chunks, 0, false);
            assertEquals(400L * 3200, o.ended().getLong("received_samples"), ws.received().toString());
            assertEquals(sha256(chunks), o.ended().getString("audio_sha256"));
            assertTrue(o.refusals() > 0, "the test must make the server refuse something");
        }
    }

    @Test
    void aResumeBehindTheEndSkipsWhatIsHeldAndOneBeyondItIsRefused() throws Exception {
        byte[][] chunks = chunks(4, 6400, 5);
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(config("stale-1" + RUN));
            ws.await("config_ack", 10);
            ws.binary(chunks[0]);
            ws.binary(chunks[1]);
            // an old offset: the client thinks the server stopped after the first chunk and sends the second again
            ws.json(new JsonObject().put("type", "resume_audio").put("received_bytes", 6400));
            ws.binary(chunks[1]);
            ws.binary(chunks[2]);
            // an offset beyond the end: refused, and so is the audio after it, until the true end is named
            ws.json(new JsonObject().put("type", "resume_audio").put("received_bytes", 4 * 6400));
            JsonObject mismatch = ws.await("error", 10);
            assertEquals("resume_mismatch", mismatch.getString("code"), mismatch.encode());
            assertEquals(3 * 6400, mismatch.getLong("received_bytes"));
            ws.binary(new byte[6400]);
            ws.json(new JsonObject().put("type", "resume_audio").put("received_bytes", 3 * 6400));
            ws.binary(chunks[3]);
            ws.json(END);
            JsonObject ended = ws.await("stream_ended", 30);
            assertEquals(4L * 3200, ended.getLong("received_samples"));
            assertEquals(sha256(chunks), ended.getString("audio_sha256"), "nothing taken twice, nothing out of place");
        }
    }

    @Test
    void endOfStreamWhileAudioIsRefusedIsRefusedTooSoTheSessionNeverEndsShort() throws Exception {
        byte[][] chunks = chunks(200, 6400, 29);
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(config("short-end-1" + RUN));
            ws.await("config_ack", 10);
            for (int i = 0; i < chunks.length; i++) {
                sendChunk(ws, chunks, i, true);
            }
            ws.json(END);
            JsonObject refused = ws.await(m -> "overloaded".equals(m.getString("code"))
                    && m.getString("message").contains("end_of_stream"), 30, "end_of_stream refused");
            assertTrue(ws.received("stream_ended").isEmpty(), ws.received().toString());
            Outcome o = sendEverything(ws, chunks, refused.getLong("chunk_id").intValue(), true);
            assertEquals(200L * 3200, o.ended().getLong("received_samples"));
            assertEquals(sha256(chunks), o.ended().getString("audio_sha256"));
        }
    }
}
