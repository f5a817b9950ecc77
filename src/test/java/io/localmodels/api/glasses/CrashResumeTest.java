package io.localmodels.api.glasses;

import io.localmodels.analysis.TranscriptLine;
import io.localmodels.session.AudioCheckpoint;
import io.localmodels.session.JournalSessionStore;
import io.localmodels.testing.AudioSocketMessages;
import io.localmodels.testing.Readiness;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import io.localmodels.testing.WhisperFixtureProfile;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 between two checkpoints: the earlier process had stored a checkpoint at 4.9 s of jfk.wav (the pause
 * after its second utterance) and then, before its next checkpoint, transcribed and stored the third utterance
 * (5.378–7.678 s). The client re-sends from the checkpoint. The third utterance must be neither sent nor stored
 * again; the fourth is new; stream_ended counts the whole session's segments.
 */
@QuarkusTest
@TestProfile(CrashResumeTest.KilledBetweenCheckpoints.class)
class CrashResumeTest {

    static final String ID = "killed-" + UUID.randomUUID().toString().substring(0, 8);
    static final int CHECKPOINT_BYTES = 156_800; // 4.9 s of 16 kHz PCM16

    public static class KilledBetweenCheckpoints extends WhisperFixtureProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(super.getConfigOverrides());
            Path dir = Path.of("target", "test-data-killed-" + UUID.randomUUID());
            JournalSessionStore earlier = new JournalSessionStore(dir, true);
            byte[] pcm = jfk();
            Instant now = Instant.now();
            earlier.started(ID, "en", now.minusSeconds(20));
            earlier.segment(ID, new TranscriptLine(1, "S1", 0.322, 2.27, "earlier one"), now.minusSeconds(18));
            earlier.segment(ID, new TranscriptLine(2, "S1", 3.266, 4.446, "earlier two"), now.minusSeconds(16));
            SHA256Digest d = new SHA256Digest();
            d.update(pcm, 0, CHECKPOINT_BYTES);
            earlier.checkpoint(ID, new AudioCheckpoint(16000, "pcm16", 1, CHECKPOINT_BYTES / 2, CHECKPOINT_BYTES, null,
                    SessionRestartTest.sha256(pcm, CHECKPOINT_BYTES), Base64.getEncoder().encodeToString(d.getEncodedState())),
                    now.minusSeconds(15));
            // stored after the checkpoint; the process died before the next one
            earlier.segment(ID, new TranscriptLine(3, "S1", 5.378, 7.678, "earlier three"), now.minusSeconds(12));
            m.put("lma.session.data-dir", dir.toString());
            return m;
        }
    }

    static byte[] jfk() {
        try {
            return Wav.read(SharedFiles.require("audio/jfk.wav")).pcm();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @Test
    void speechStoredAfterTheLastCheckpointIsNeitherSentNorStoredAgain() throws Exception {
        byte[] pcm = jfk();
        Readiness.awaitAsr();
        List<JsonObject> received;
        JsonObject ended;
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(new JsonObject().put("type", "config").put("session_id", ID).put("sample_rate", 16000).put("language", "en"));
            JsonObject ack = ws.await("config_ack", 30);
            assertEquals(true, ack.getBoolean("resumed"), ack.encode());
            assertEquals(CHECKPOINT_BYTES, ack.getLong("received_bytes"), ack.encode());
            AudioSocketMessages.sendFrames(ws, pcm, CHECKPOINT_BYTES, pcm.length);
            ws.json(new JsonObject().put("type", "end_of_stream"));
            ended = ws.await("stream_ended", 60);
            received = ws.received();
        }
        List<JsonObject> results = received.stream().filter(m -> "partial_result".equals(m.getString("type"))).toList();
        assertEquals(1, results.size(), "only the fourth utterance is new: " + results);
        assertTrue(results.get(0).getDouble("start") > 8.0, results.toString());
        assertTrue(received.stream().noneMatch(m -> "speech_stopped".equals(m.getString("type")) && m.getDouble("end") < 8.0),
                "the third utterance is not announced again: " + received);
        assertEquals(4, ended.getInteger("segments"), "the whole session's segments: " + ended.encode());
        List<Float> starts = given().get("/sessions/" + ID).then().statusCode(200).extract().path("transcript.start");
        List<String> texts = given().get("/sessions/" + ID).then().extract().path("transcript.text");
        assertEquals(4, starts.size(), "stored once each: " + starts + " " + texts);
        assertEquals(List.of("earlier one", "earlier two", "earlier three"), texts.subList(0, 3));
    }
}
