package io.localmodels.api.glasses;

import io.localmodels.analysis.TranscriptLine;
import io.localmodels.session.AudioCheckpoint;
import io.localmodels.session.JournalSessionStore;
import io.localmodels.testing.AudioSocketMessages;
import io.localmodels.testing.Readiness;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import io.localmodels.testing.WhisperFixtureProfile;
import io.localmodels.testing.WhisperFixtures;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A session resumed after a restart lost its voice prints with the process that held them: its new
 * speakers are numbered after the labels its stored lines use, so one label never names two people
 * in the final transcript. The earlier run stored two lines (S1, S2) and a checkpoint at the start.
 */
@QuarkusTest
@TestProfile(SpeakerRestartTest.EarlierRun.class)
class SpeakerRestartTest {

    static final String ID = "speakers-before-restart";

    public static class EarlierRun implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path dir = Path.of("target", "test-data-speaker-restart-" + UUID.randomUUID());
            JournalSessionStore earlier = new JournalSessionStore(dir, true);
            Instant now = Instant.now();
            earlier.started(ID, "en", now.minusSeconds(20));
            earlier.segment(ID, new TranscriptLine(1, "S1", 0.1, 0.6, "one"), now.minusSeconds(15));
            earlier.segment(ID, new TranscriptLine(2, "S2", 1.0, 1.5, "two"), now.minusSeconds(12));
            SHA256Digest d = new SHA256Digest();
            earlier.checkpoint(ID, new AudioCheckpoint(16000, "pcm16", 1, 0, 0, null, SessionRestartTest.sha256(new byte[0], 0),
                    Base64.getEncoder().encodeToString(d.getEncodedState())), now.minusSeconds(10));
            Map<String, String> c = new HashMap<>(new WhisperFixtureProfile().getConfigOverrides());
            c.put("lma.session.data-dir", dir.toString());
            return c;
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @Test
    void newSpeakersAreNumberedAfterTheStoredOnes() throws Exception {
        WhisperFixtures.dir();
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        Readiness.awaitAsr();
        byte[] pcm = Wav.read(SharedFiles.require("audio/jfk.wav")).pcm();
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(new JsonObject().put("type", "config").put("session_id", ID).put("sample_rate", 16000).put("language", "en"));
            assertEquals(true, ws.await("config_ack", 10).getBoolean("resumed"));
            AudioSocketMessages.sendFrames(ws, pcm, 0, pcm.length);
            ws.json(new JsonObject().put("type", "end_of_stream"));
            JsonObject fin = ws.await("final_result", 60);
            ws.await("stream_ended", 30);
            List<String> online = ws.received("partial_result").stream().map(m -> m.getString("speaker")).toList();
            assertEquals(List.of("S3", "S3", "S3", "S3"), online, "jfk's one voice, after the stored S1 and S2");
            List<String> all = fin.getJsonArray("transcript").stream().map(o -> ((JsonObject) o).getString("speaker")).toList();
            assertEquals(List.of("S1", "S2", "S3", "S3", "S3", "S3"), all);
        }
    }
}
