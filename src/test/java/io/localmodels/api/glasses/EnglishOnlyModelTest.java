package io.localmodels.api.glasses;

import io.localmodels.testing.AudioSocketMessages;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
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
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An English-only (.en) model refuses Spanish and translation with language_unsupported instead of writing English. */
@QuarkusTest
@TestProfile(EnglishOnlyModelTest.EnglishOnly.class)
class EnglishOnlyModelTest {

    public static class EnglishOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path dir = WhisperFixtures.dirOrNull();
            return Map.of("lma.asr.model", dir == null ? "none" : dir.resolve("en-merged").toString());
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @BeforeEach
    void ready() {
        WhisperFixtures.dir();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'asr' }.data.state", equalTo("ready")));
    }

    @Test
    void httpRequestsForAnotherLanguageOrTranslationAreRefused() {
        Path jfk = SharedFiles.require("audio/jfk.wav");
        given().multiPart("file", jfk.toFile(), "audio/wav").multiPart("language", "es").post("/v1/audio/transcriptions").then()
                .statusCode(400).body("error.code", equalTo("language_unsupported")).body("error.message", containsString("English-only"));
        given().multiPart("file", jfk.toFile(), "audio/wav").post("/v1/audio/translations").then()
                .statusCode(400).body("error.code", equalTo("language_unsupported"));
        given().multiPart("file", jfk.toFile(), "audio/wav").multiPart("language", "en").post("/v1/audio/transcriptions").then()
                .statusCode(200);
    }

    @Test
    void aSpanishSessionIsToldOnceAndAnEnglishOneIsTranscribed() throws Exception {
        byte[] pcm = Wav.read(SharedFiles.require("audio/silero-test.wav")).pcm();
        try (WsClient es = WsClient.connect(vertx, base)) {
            es.json(new JsonObject().put("type", "config").put("sample_rate", 16000).put("encoding", "pcm16").put("language", "es"));
            es.await("config_ack", 10);
            AudioSocketMessages.sendFrames(es, pcm, 0, pcm.length);
            es.json(new JsonObject().put("type", "end_of_stream"));
            es.await("stream_ended", 120);
            List<JsonObject> errors = es.received("error");
            assertEquals(1, errors.size(), "once per session, not per utterance: " + errors);
            assertEquals("language_unsupported", errors.get(0).getString("code"));
            assertTrue(es.received("speech_stopped").size() > 1, "speech events still flow");
            assertTrue(es.received("partial_result").isEmpty(), "nothing transcribed as English: " + es.received("partial_result"));
        }
        try (WsClient en = WsClient.connect(vertx, base)) {
            en.json(new JsonObject().put("type", "config").put("sample_rate", 16000).put("encoding", "pcm16").put("language", "en"));
            en.await("config_ack", 10);
            AudioSocketMessages.sendFrames(en, pcm, 0, pcm.length);
            en.json(new JsonObject().put("type", "end_of_stream"));
            en.await("stream_ended", 120);
            assertTrue(en.received("error").isEmpty(), en.received("error").toString());
            assertFalse(en.received("partial_result").isEmpty());
        }
    }
}
