package io.localmodels.api.glasses;

import io.localmodels.testing.Readiness;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.SpeakerFixtures;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A speaker-embedding ONNX model in sherpa-onnx's 3D-Speaker layout (random weights, so the labels
 * mean nothing) configured as lma.speakers.model: every utterance of a /ws/audio session goes
 * through it (none skipped, every line labelled), and no speakers_unavailable notice comes.
 */
@QuarkusTest
@TestProfile(SpeakerModelTest.Profile.class)
class SpeakerModelTest {

    /** The fixture Whisper, and one of the speaker fixtures as lma.speakers.model. */
    abstract static class WithSpeakerFixture implements QuarkusTestProfile {
        abstract String file();

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> c = new HashMap<>(new WhisperFixtureProfile().getConfigOverrides());
            Path dir = SpeakerFixtures.dirOrNull();
            c.put("lma.speakers.model", (dir == null ? Path.of("target/no-speaker-fixtures") : dir).resolve(file()).toString());
            return c;
        }
    }

    public static class Profile extends WithSpeakerFixture {
        @Override
        String file() {
            return "3dspeaker.onnx";
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @BeforeEach
    void ready() {
        fixturesAndAsrReady();
    }

    /** The fixtures both speaker-model tests need (they skip, saying why, without them), and Whisper loaded. */
    static void fixturesAndAsrReady() {
        WhisperFixtures.dir();
        SpeakerFixtures.dir();
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        Readiness.awaitAsr();
    }

    static List<JsonObject> stream(Vertx vertx, URI base, Path wav) throws Exception {
        byte[] pcm = Wav.read(wav).pcm();
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(new JsonObject().put("type", "config").put("sample_rate", 16000).put("language", "en"));
            ws.await("config_ack", 10);
            for (int pos = 0; pos < pcm.length; pos += 640) {
                ws.binary(Arrays.copyOfRange(pcm, pos, Math.min(pcm.length, pos + 640)));
            }
            ws.json(new JsonObject().put("type", "end_of_stream"));
            ws.await("stream_ended", 120);
            return ws.received();
        }
    }

    private static double skipped() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("lma_speaker_skipped_total")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElseThrow();
    }

    @Test
    void everyUtteranceGoesThroughTheModel() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> !stream(vertx, base, SharedFiles.require("audio/jfk.wav")).stream()
                .anyMatch(m -> "speakers_unavailable".equals(m.getString("code"))));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'speakers' }.data.state", equalTo("ready"))
                .body("checks.find { it.name == 'speakers' }.data.model", equalTo("3d-speaker 3dspeaker.onnx (80 bins, 192-dim)"));
        double before = skipped();
        List<JsonObject> messages = stream(vertx, base, SharedFiles.require("audio/picovoice/falcon_3speakers.wav"));
        List<JsonObject> partials = messages.stream().filter(m -> "partial_result".equals(m.getString("type"))).toList();
        assertTrue(partials.size() >= 3, "utterances: " + partials);
        for (JsonObject p : partials) {
            assertTrue(p.getString("speaker").matches("S[1-8]"), "labelled: " + p);
        }
        assertTrue(messages.stream().noneMatch(m -> "notice".equals(m.getString("type"))), "no notice: " + messages);
        assertEquals(before, skipped(), "no utterance skipped the model (a failed embedding is counted)");
    }
}
