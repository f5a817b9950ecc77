package io.localmodels.api.glasses;

import io.localmodels.testing.AudioSocketMessages;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streaming with a Whisper model: one partial_result per utterance, in order, timed inside it, before stream_ended. */
@QuarkusTest
@TestProfile(WhisperFixtureProfile.class)
class AsrStreamingTest {

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

    @Test
    void everyUtteranceGetsOnePartialResultInOrderInsideIt() throws Exception {
        Wav wav = Wav.read(SharedFiles.require("audio/silero-test.wav"));
        byte[] pcm = wav.pcm();
        List<JsonObject> messages;
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(new JsonObject().put("type", "config").put("sample_rate", 16000).put("encoding", "pcm16").put("language", "es"));
            ws.await("config_ack", 10);
            AudioSocketMessages.sendFrames(ws, pcm, 0, pcm.length);
            ws.json(new JsonObject().put("type", "end_of_stream"));
            ws.await("stream_ended", 120);
            messages = ws.received();
        }
        Map<Integer, JsonObject> stops = AudioSocketMessages.stops(messages);
        List<JsonObject> partials = new ArrayList<>();
        int endedAt = -1;
        for (int i = 0; i < messages.size(); i++) {
            String type = messages.get(i).getString("type");
            if ("partial_result".equals(type)) {
                partials.add(messages.get(i));
            } else if ("stream_ended".equals(type)) {
                endedAt = i;
            } else {
                assertTrue(!"error".equals(type) && !"notice".equals(type), "unexpected " + messages.get(i));
            }
        }
        assertTrue(stops.size() >= 5, "silero-test.wav has several utterances: " + stops.keySet());
        assertEquals(stops.size(), partials.size(), "one partial_result per utterance");
        int previous = Integer.MIN_VALUE;
        for (JsonObject p : partials) {
            int id = p.getInteger("segment_id");
            assertTrue(id > previous, "partial results in segment order: " + partials);
            previous = id;
            JsonObject stop = stops.get(id);
            assertTrue(stop != null, "partial_result for an utterance that was never reported: " + p);
            assertTrue(p.getDouble("start") >= stop.getDouble("start") - 1e-9 && p.getDouble("end") <= stop.getDouble("end") + 1e-9,
                    "times inside the utterance: " + p + " vs " + stop);
            assertEquals("es", p.getString("language"));
            assertTrue(p.containsKey("text") && p.containsKey("avg_logprob") && p.containsKey("no_speech_prob"), p.toString());
            assertTrue(messages.indexOf(p) < endedAt, "partial results before stream_ended");
            assertTrue(messages.indexOf(stop) < messages.indexOf(p), "speech_stopped before its partial_result");
        }
    }
}
