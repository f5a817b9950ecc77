package io.localmodels.api.glasses;

import io.localmodels.testing.Readiness;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import io.localmodels.testing.WhisperFixtureProfile;
import io.localmodels.testing.WhisperFixtures;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Captions while speech is open: silero-test.wav streamed at four times real time with the fixture
 * Whisper gives interim results inside each utterance whose stable text never shrinks, and the same
 * partial results as a session with {@code "interim": false}, which gets no interim result.
 */
@QuarkusTest
@TestProfile(WhisperFixtureProfile.class)
class InterimResultsTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @BeforeEach
    void ready() {
        WhisperFixtures.dir();
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        Readiness.awaitAsr();
    }

    private List<JsonObject> stream(Boolean interim, long pauseEveryFrameMillis) throws Exception {
        byte[] pcm = Wav.read(SharedFiles.require("audio/silero-test.wav")).pcm();
        try (WsClient ws = WsClient.connect(vertx, base)) {
            JsonObject config = new JsonObject().put("type", "config").put("sample_rate", 16000).put("language", "es");
            if (interim != null) {
                config.put("interim", interim);
            }
            ws.json(config);
            ws.await("config_ack", 10);
            for (int pos = 0; pos < pcm.length; pos += 640) {
                ws.binary(Arrays.copyOfRange(pcm, pos, Math.min(pcm.length, pos + 640)));
                if (pauseEveryFrameMillis > 0) {
                    Thread.sleep(pauseEveryFrameMillis);
                }
            }
            ws.json(new JsonObject().put("type", "end_of_stream"));
            ws.await("stream_ended", 120);
            return ws.received();
        }
    }

    private static List<JsonObject> ofType(List<JsonObject> messages, String type) {
        return messages.stream().filter(m -> type.equals(m.getString("type"))).toList();
    }

    @Test
    void interimResultsComeInsideUtterancesAndLeaveTheFinalsAlone() throws Exception {
        // 20 ms frames every 5 ms: four times real time, both sessions alike but for the flag
        List<JsonObject> with = stream(null, 5);
        List<JsonObject> without = stream(false, 5);

        List<JsonObject> interims = ofType(with, "interim_result");
        assertTrue(interims.size() >= 5, "captions while speaking: " + interims.size());
        assertEquals(List.of(), ofType(without, "interim_result"), "\"interim\": false turns them off");

        Map<Integer, Integer> stoppedAt = new HashMap<>();
        for (int i = 0; i < with.size(); i++) {
            if ("speech_stopped".equals(with.get(i).getString("type"))) {
                stoppedAt.put(with.get(i).getInteger("segment_id"), i);
            }
        }
        Map<Integer, String> stable = new HashMap<>();
        for (int i = 0; i < with.size(); i++) {
            JsonObject m = with.get(i);
            if (!"interim_result".equals(m.getString("type"))) {
                continue;
            }
            int segment = m.getInteger("segment_id");
            assertTrue(stoppedAt.containsKey(segment) && i < stoppedAt.get(segment), "inside its utterance, before speech_stopped: " + m);
            String before = stable.getOrDefault(segment, "");
            assertTrue(m.getString("stable").startsWith(before), "stable text never shrinks: '" + before + "' then " + m);
            stable.put(segment, m.getString("stable"));
            assertEquals((m.getString("stable") + " " + m.getString("unstable")).strip(), m.getString("text"));
        }
        Set<Integer> segmentsWithCaptions = interims.stream().map(m -> m.getInteger("segment_id")).collect(Collectors.toSet());
        assertTrue(segmentsWithCaptions.size() >= 3, "several utterances get captions: " + segmentsWithCaptions);
        System.out.printf("interim results: %d over %d of %d utterances, %d with stable text%n", interims.size(),
                segmentsWithCaptions.size(), stoppedAt.size(), interims.stream().filter(m -> !m.getString("stable").isEmpty()).count());

        // the finals are those of a session without interim results
        assertEquals(finals(without), finals(with));
    }

    private static List<String> finals(List<JsonObject> messages) {
        return ofType(messages, "partial_result").stream()
                .map(m -> m.getInteger("segment_id") + " " + m.getValue("start") + "-" + m.getValue("end") + " " + m.getString("text")).toList();
    }
}
