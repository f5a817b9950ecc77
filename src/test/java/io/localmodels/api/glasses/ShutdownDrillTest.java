package io.localmodels.api.glasses;

import io.localmodels.session.JournalSessionStore;
import io.localmodels.testing.AudioSocketMessages;
import io.localmodels.testing.LlamaFixtures;
import io.localmodels.testing.Readiness;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import io.localmodels.testing.WhisperFixtureProfile;
import io.localmodels.testing.WhisperFixtures;
import io.localmodels.testing.WsClient;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SIGTERM drill (the event Quarkus fires first on SIGTERM, so the real observer runs): sessions open, drain → readiness
 * DOWN, clients told to reconnect with their session_id (close 1012; a Gemini Live client gets goAway), new
 * sessions refused busy, and the store holds every segment they were sent.
 */
@QuarkusTest
@TestProfile(ShutdownDrillTest.Drill.class)
class ShutdownDrillTest {

    /** Session ids of this run: the store outlives test runs, and an ended id cannot be used again. */
    static final String RUN = "-" + UUID.randomUUID().toString().substring(0, 8);

    /** 7 s into jfk.wav: inside its third utterance. */
    static final int CUT = 7 * 32000;

    static final String DATA_DIR = "target/test-data-drill-" + ProcessHandle.current().pid();

    public static class Drill extends WhisperFixtureProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(super.getConfigOverrides());
            m.put("lma.session.data-dir", DATA_DIR);
            m.put("lma.session.drain-timeout", "15s");
            // an LLM, so that a Gemini Live session can be set up beside the /ws/audio ones
            Path gguf = LlamaFixtures.modelOrNull();
            m.put("lma.llm.model", gguf == null ? "target/no-gguf-fixture.gguf" : gguf.toString());
            return m;
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    /** What Quarkus fires first on SIGTERM (quarkus.shutdown.delay-enabled), before HTTP stops. */
    @Inject
    Event<ShutdownDelayInitiatedEvent> shutdownStarted;

    @Test
    void drainTellsClientsToReconnectAndKeepsTheirSegments() throws Exception {
        WhisperFixtures.dir();
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        byte[] pcm = Wav.read(SharedFiles.require("audio/jfk.wav")).pcm();
        Readiness.awaitAsr();
        // the Gemini Live part needs the fixture LLM; without it only that part is left out, with its reason printed
        boolean withLive = LlamaFixtures.modelOrNull() != null;
        if (withLive) {
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> given().get("/q/health/ready").then()
                    .body("checks.find { it.name == 'llm' }.data.state", equalTo("ready")));
        } else {
            System.err.println("ShutdownDrillTest: no fixture GGUF could be made (see LlamaFixtures), so the drill runs without its"
                    + " Gemini Live session");
        }
        try (WsClient a = WsClient.connect(vertx, base); WsClient b = WsClient.connect(vertx, base);
             WsClient live = withLive ? WsClient.connect(base, "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent",
                     new WebSocketConnectOptions()) : null) {
            if (live != null) {
                live.text("{\"setup\":{\"model\":\"models/x\",\"generationConfig\":{\"maxOutputTokens\":2}}}");
                live.await(m -> m.containsKey("setupComplete"), 10, "setupComplete");
                byte[] head = Arrays.copyOf(pcm, CUT);
                live.text("{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\""
                        + Base64.getEncoder().encodeToString(head) + "\"}}}");
            }
            a.json(new JsonObject().put("type", "config").put("session_id", ("drill-1" + RUN)).put("sample_rate", 16000).put("language", "es"));
            b.json(new JsonObject().put("type", "config").put("session_id", ("drill-2" + RUN)).put("sample_rate", 16000).put("language", "es"));
            a.await("config_ack", 10);
            b.await("config_ack", 10);
            AudioSocketMessages.sendFrames(a, pcm, 0, pcm.length);
            AudioSocketMessages.sendFrames(b, pcm, 0, CUT);
            a.await("partial_result", 30);

            shutdownStarted.fire(new ShutdownDelayInitiatedEvent());

            // the Live session hears goAway, then its socket closes like the others
            if (live != null) {
                live.await(m -> m.containsKey("goAway"), 20, "goAway");
                assertEquals(1012, live.awaitClose(10));
            }
            for (WsClient c : List.of(a, b)) {
                JsonObject reconnect = c.await("reconnect", 20);
                assertTrue(reconnect.getString("session_id").startsWith("drill-"), reconnect.toString());
                assertTrue(reconnect.getLong("retry_after_ms") > 0);
                assertEquals(1012, c.awaitClose(10));
            }
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'draining' }.status", equalTo("DOWN"));
            try (WsClient late = WsClient.connect(vertx, base)) {
                late.json(new JsonObject().put("type", "config").put("session_id", ("drill-3" + RUN)).put("sample_rate", 16000));
                assertEquals("busy", late.await("error", 10).getString("code"));
                assertEquals(1013, late.awaitClose(10));
            }
            for (WsClient c : List.of(a, b)) {
                List<JsonObject> got = c.received();
                String id = got.stream().filter(m -> "reconnect".equals(m.getString("type"))).findFirst().orElseThrow().getString("session_id");
                long partials = got.stream().filter(m -> "partial_result".equals(m.getString("type"))).count();
                List<Integer> stored = given().get("/sessions/" + id).then().statusCode(200).extract().path("transcript.segment_id");
                assertEquals(partials, stored.size(), id + ": every transcribed segment is in the store");
                assertTrue(partials >= 1, id + " had speech transcribed before the drain");
                assertEquals(got.stream().filter(m -> "speech_stopped".equals(m.getString("type"))).count(), partials,
                        id + ": every utterance, the one open at the drain included, was closed and transcribed");
            }
            // b was cut mid-sentence (jfk.wav's third utterance runs from 5.4 to 7.6 s): that utterance
            // ends where its audio ended, and it is stored
            double cutAt = CUT / 2 / 16000.0;
            List<Float> ends = given().get("/sessions/drill-2" + RUN).then().statusCode(200).extract().path("transcript.end");
            assertEquals(cutAt, ends.get(ends.size() - 1), 0.05, "the open utterance was closed at the cut: " + ends);
            // the store knows where each session's audio stands, so another replica continues there
            // (the drain flushed the store's writer before sending the reconnect notices)
            var journal = new JournalSessionStore(Path.of(DATA_DIR), false);
            var checkpointA = journal.find("drill-1" + RUN).orElseThrow().checkpoint();
            var checkpointB = journal.find("drill-2" + RUN).orElseThrow().checkpoint();
            assertEquals(pcm.length / 2, checkpointA.samples());
            assertEquals(CUT / 2, checkpointB.samples());
            assertEquals(CUT, checkpointB.bytes());
            assertEquals(AudioResumeTest.sha256(pcm, CUT), checkpointB.sha256());
        }
    }
}
