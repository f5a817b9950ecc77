package io.localmodels.api.glasses;

import io.localmodels.testing.PostgresStoreProfile;
import io.localmodels.testing.Readiness;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.TcpProxy;
import io.localmodels.testing.Wav;
import io.localmodels.testing.WhisperFixtureProfile;
import io.localmodels.testing.WhisperFixtures;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real PostgreSQL reached through a loopback relay that the test cuts and restores. While the store cannot
 * be reached, reading sessions is a 503 `store_unavailable` with Retry-After (it was a 500), and it answers again
 * once the database is back. The drill: PostgreSQL goes away 20 s into a 60 s stream sent in real time and comes
 * back 18 s later; a second session starts and ends inside the outage. Nothing either client was sent may be
 * missing from the store afterwards (the writes waited in the local backlog and were replayed), both clients are
 * told, and the session that ended during the outage can never be resumed.
 */
@QuarkusTest
@TestProfile(StoreOutageTest.ThroughARelay.class)
class StoreOutageTest {

    static TcpProxy relay;

    public static class ThroughARelay extends PostgresStoreProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(new WhisperFixtureProfile().getConfigOverrides());
            m.putAll(super.getConfigOverrides());
            m.put("lma.session.data-dir", "target/test-data-outage-" + UUID.randomUUID());
            m.put("lma.session.store-retry-max-backoff", "4s");
            if (!available) {
                return m;
            }
            URI pg = URI.create(URL.substring("jdbc:".length()));
            try {
                relay = new TcpProxy(pg.getHost(), pg.getPort() < 0 ? 5432 : pg.getPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String viaRelay = "jdbc:postgresql://127.0.0.1:" + relay.port() + pg.getPath();
            m.put("quarkus.datasource.jdbc.url", viaRelay + "?currentSchema=" + SCHEMA);
            m.put("quarkus.datasource.jdbc.acquisition-timeout", "2s");
            m.put("quarkus.datasource.jdbc.login-timeout", "2s");
            return m;
        }
    }

    @Test
    void readingSessionsDuringAnOutageIsA503AndWorksAgainAfterIt() throws Exception {
        Assumptions.assumeTrue(PostgresStoreProfile.available, "needs a PostgreSQL server (see PostgresStoreProfile)");
        given().get("/sessions/nobody-here").then().statusCode(404);
        relay.cut();
        try {
            given().get("/sessions/nobody-here").then().statusCode(503).body("error.code", equalTo("store_unavailable"))
                    .header("Retry-After", notNullValue());
            given().get("/sessions").then().statusCode(503).body("error.code", equalTo("store_unavailable"));
        } finally {
            relay.restore();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/sessions/nobody-here").then().statusCode(404));
        given().get("/sessions").then().statusCode(200);
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void aStoreOutageMidStreamLosesNothingTellsTheClientsAndNeverLetsAnEndedSessionResume() throws Exception {
        Assumptions.assumeTrue(PostgresStoreProfile.available, "needs a PostgreSQL server (see PostgresStoreProfile)");
        Assumptions.assumeTrue(WhisperFixtures.dirOrNull() != null, "needs the Whisper fixture (see WhisperFixtures)");
        Readiness.awaitAsr();
        byte[] pcm = Wav.read(SharedFiles.require("audio/silero-test.wav")).pcm();  // 60 s, 16 kHz mono
        byte[] jfk = Wav.read(SharedFiles.require("audio/jfk.wav")).pcm();          // 11 s
        double deferredBefore = metric("lma_session_store_writes_deferred_total");
        double replayedBefore = metric("lma_session_store_writes_replayed_total");
        double droppedBefore = metric("lma_session_store_writes_dropped_total");
        String a = "outage-a-" + UUID.randomUUID().toString().substring(0, 8);
        try (WsClient ws = WsClient.connect(base, "/ws/audio", new WebSocketConnectOptions())) {
            ws.json(new JsonObject().put("type", "config").put("session_id", a).put("sample_rate", 16000).put("encoding", "pcm16")
                    .put("language", "en"));
            ws.await("config_ack", 30);
            long t0 = System.nanoTime();
            String b = null;
            boolean cut = false;
            boolean restored = false;
            for (int off = 0, chunk = 0; off < pcm.length; off += 3200, chunk++) {     // 100 ms a chunk, in real time
                long due = t0 + chunk * 100_000_000L;
                Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                ws.binary(Arrays.copyOfRange(pcm, off, Math.min(pcm.length, off + 3200)));
                double at = chunk / 10.0;
                if (!cut && at >= 20) {
                    relay.cut();
                    cut = true;
                }
                if (b == null && at >= 24) {
                    b = sessionInsideTheOutage(jfk);
                }
                if (!restored && at >= 38) {
                    relay.restore();
                    restored = true;
                }
            }
            ws.json(new JsonObject().put("type", "end_of_stream"));
            JsonObject ended = ws.await("stream_ended", 120);
            List<JsonObject> notices = ws.received("notice").stream().filter(n -> "store_delayed".equals(n.getString("code"))).toList();
            assertEquals(1, notices.size(), "session a is told once that its writes wait for the store: " + ws.received("notice"));
            int sent = ws.received("partial_result").size();
            assertTrue(sent >= 10, "the fixture Whisper answered the stream's utterances: " + sent);
            assertEquals(sent, ended.getInteger("segments"));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonObject doc = new JsonObject(given().get("/sessions/" + a).then().statusCode(200).extract().asString());
                assertEquals(sent, doc.getJsonArray("transcript").size(), "every line a's client was sent is stored: " + doc);
                assertNotEquals("incomplete", doc.getJsonObject("analysis").getString("status"), doc.toString());
            });
            JsonObject docB = new JsonObject(given().get("/sessions/" + b).then().statusCode(200).extract().asString());
            assertEquals(sessionBLines, docB.getJsonArray("transcript").size(), "every line b's client was sent is stored: " + docB);
            refusedAsEnded(a);
            refusedAsEnded(b);
        }
        // every write kept during the outage reached the store; none was dropped
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(0.0, metric("lma_session_store_backlog_writes")));
        double deferred = metric("lma_session_store_writes_deferred_total") - deferredBefore;
        assertTrue(deferred > 0, "writes were kept during the outage");
        assertEquals(deferred, metric("lma_session_store_writes_replayed_total") - replayedBefore, "each kept write was replayed");
        assertEquals(droppedBefore, metric("lma_session_store_writes_dropped_total"), "no write was dropped");
    }

    private int sessionBLines;

    /** Starts, streams and ends a session while the store is down: it is told its document is not stored yet, and it cannot be resumed. */
    private String sessionInsideTheOutage(byte[] jfk) throws Exception {
        String b;
        try (WsClient ws = WsClient.connect(base, "/ws/audio", new WebSocketConnectOptions())) {
            ws.json(new JsonObject().put("type", "config").put("sample_rate", 16000).put("encoding", "pcm16").put("language", "en"));
            b = ws.await("config_ack", 30).getString("session_id");
            for (int off = 0; off < jfk.length; off += 32000) {
                ws.binary(Arrays.copyOfRange(jfk, off, Math.min(jfk.length, off + 32000)));
            }
            ws.json(new JsonObject().put("type", "end_of_stream"));
            JsonObject ended = ws.await("stream_ended", 60);
            assertEquals(Boolean.FALSE, ended.getBoolean("stored"), "b ended while the store was down: " + ended);
            assertTrue(ws.received("notice").stream().anyMatch(n -> "store_delayed".equals(n.getString("code"))), ws.received().toString());
            sessionBLines = ws.received("partial_result").size();
        }
        refusedAsEnded(b);
        // its document is served from what the server kept, while PostgreSQL is still away
        JsonObject doc = new JsonObject(given().get("/sessions/" + b).then().statusCode(200).extract().asString());
        assertEquals(sessionBLines, doc.getJsonArray("transcript").size(), doc.toString());
        return b;
    }

    private void refusedAsEnded(String id) throws Exception {
        try (WsClient again = WsClient.connect(base, "/ws/audio", new WebSocketConnectOptions())) {
            again.json(new JsonObject().put("type", "config").put("session_id", id).put("sample_rate", 16000).put("encoding", "pcm16"));
            JsonObject e = again.await(m -> "error".equals(m.getString("type")) || "config_ack".equals(m.getString("type")), 30, "an answer");
            assertEquals("session_ended", e.getString("code"), id + " must not be resumable: " + e);
        }
    }

    private static double metric(String name) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{")).mapToDouble(l -> Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
