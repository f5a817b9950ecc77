package io.localmodels.api.glasses;

import io.localmodels.analysis.OpenAiAnalysisEngineTest;
import io.localmodels.testing.AnalysisProfile;
import io.localmodels.testing.AudioSocketMessages;
import io.localmodels.testing.FakeChatResource;
import io.localmodels.testing.FakeChatServer;
import io.localmodels.testing.Readiness;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import io.localmodels.testing.WhisperFixtures;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /ws/audio end to end with the fixture Whisper model and a loopback LLM: final_result, the store, resume, deletion. */
@QuarkusTest
@TestProfile(AnalysisProfile.class)
class SessionAnalysisEndToEndTest {

    /** Session ids of this run: the store outlives test runs, and an ended id cannot be used again. */
    static final String RUN = "-" + UUID.randomUUID().toString().substring(0, 8);

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    private byte[] pcm;

    @BeforeEach
    void ready() throws Exception {
        WhisperFixtures.dir();
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        pcm = Wav.read(SharedFiles.require("audio/jfk.wav")).pcm();
        Readiness.awaitAsr();
        FakeChatResource.server.reset();
        FakeChatResource.server.answerWith(r -> FakeChatServer.Reply.content(OpenAiAnalysisEngineTest.GOOD));
    }

    private JsonObject config(String id) {
        return new JsonObject().put("type", "config").put("session_id", id).put("sample_rate", 16000).put("language", "es");
    }

    private List<JsonObject> stream(String id) throws Exception {
        return stream(id, pcm);
    }

    private List<JsonObject> stream(String id, byte[] pcm) throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(config(id));
            ws.await("config_ack", 10);
            AudioSocketMessages.sendFrames(ws, pcm, 0, pcm.length);
            ws.json(new JsonObject().put("type", "end_of_stream"));
            ws.await("stream_ended", 60);
            return ws.received();
        }
    }

    @Test
    void finalResultCarriesTheTranscriptInOrderAndTheAnalysis() throws Exception {
        List<JsonObject> messages = stream("e2e-1");
        JsonObject fin = AudioSocketMessages.finalResult(messages);
        int finalAt = messages.indexOf(fin);
        int endedAt = messages.indexOf(messages.stream().filter(m -> "stream_ended".equals(m.getString("type"))).findFirst().orElseThrow());
        assertTrue(finalAt < endedAt, "final_result before stream_ended");
        List<JsonObject> partials = messages.stream().filter(m -> "partial_result".equals(m.getString("type"))).toList();
        JsonArray transcript = fin.getJsonArray("transcript");
        assertEquals(partials.size(), transcript.size());
        for (int i = 0; i < partials.size(); i++) {
            JsonObject t = transcript.getJsonObject(i);
            assertEquals(partials.get(i).getInteger("segment_id"), t.getInteger("segment_id"));
            assertEquals(partials.get(i).getString("text"), t.getString("text"));
            assertEquals("S1", t.getString("speaker"));
        }
        assertEquals("es", fin.getString("language"));
        assertEquals("ok", fin.getJsonObject("analysis").getString("status"));
        assertEquals("openai", fin.getJsonObject("analysis").getString("engine"));
        assertEquals("Se acordó revisar el módulo de pagos.", fin.getString("summary"));
        assertEquals("Revisar pagos", fin.getJsonArray("action_items").getJsonObject(0).getString("title"));
        String prompt = FakeChatResource.server.requests().get(0).path("messages").get(1).path("content").asText();
        assertTrue(!prompt.contains("se distinguieron por la voz"), "one voice: no word about speakers");
        for (JsonObject p : partials) {
            if (!p.getString("text").isBlank()) {
                assertTrue(prompt.contains(p.getString("text").strip()), "the LLM saw the transcript");
            }
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("lma_analysis_seconds_count{engine=\"openai\"}"), "lma_analysis_seconds");
        assertTrue(metrics.contains("lma_llm_tokens_total{kind=\"prompt\"}"), "lma_llm_tokens_total");
        assertTrue(metrics.contains("lma_sessions_stored"), "lma_sessions_stored");
        // the same document from the store
        String stored = given().get("/sessions/e2e-1").then().statusCode(200).extract().asString();
        JsonObject expected = fin.copy();
        expected.remove("type");
        assertEquals(expected, new JsonObject(stored));
    }

    @Test
    void theAnalysisAndTheStoredDocumentGetTheSpeakersOfTheWholeSession() throws Exception {
        String id = "e2e-speakers" + RUN;
        byte[] three = Wav.read(SharedFiles.require("audio/picovoice/falcon_3speakers.wav")).pcm();
        JsonObject fin = AudioSocketMessages.finalResult(stream(id, three));
        JsonArray transcript = fin.getJsonArray("transcript");
        List<String> speakers = new ArrayList<>();
        for (int i = 0; i < transcript.size(); i++) {
            speakers.add(transcript.getJsonObject(i).getString("speaker"));
        }
        assertEquals(List.of("S1", "S2", "S3"), speakers, "one turn each: " + transcript);
        String prompt = FakeChatResource.server.requests().get(0).path("messages").get(1).path("content").asText();
        assertTrue(prompt.contains("Los hablantes S1, S2, … se distinguieron por la voz"), "the LLM is told what the labels are: " + prompt);
        for (int i = 0; i < transcript.size(); i++) {
            JsonObject t = transcript.getJsonObject(i);
            assertTrue(prompt.contains(t.getString("speaker") + ": " + t.getString("text").strip()), "the LLM saw who said it: " + prompt);
        }
        JsonObject expected = fin.copy();
        expected.remove("type");
        assertEquals(expected, new JsonObject(given().get("/sessions/" + id).then().statusCode(200).extract().asString()));
    }

    @Test
    void aDroppedAndResumedSessionEndsWithTheSameDocument() throws Exception {
        JsonObject yardstick = AudioSocketMessages.finalResult(stream("e2e-yard"));
        int cut = 16000 * 2 * 6;
        try (WsClient first = WsClient.connect(vertx, base)) {
            first.json(config(("e2e-2" + RUN)));
            first.await("config_ack", 10);
            AudioSocketMessages.sendFrames(first, pcm, 0, cut);
            first.await("partial_result", 30);
            first.drop();
        }
        JsonObject fin;
        try (WsClient second = WsClient.connect(vertx, base)) {
            second.json(config(("e2e-2" + RUN)));
            JsonObject ack = second.await("config_ack", 10);
            assertEquals(true, ack.getBoolean("resumed"));
            AudioSocketMessages.sendFrames(second, pcm, (int) ack.getLong("received_samples").longValue() * 2, pcm.length);
            second.json(new JsonObject().put("type", "end_of_stream"));
            second.await("stream_ended", 60);
            fin = AudioSocketMessages.finalResult(second.received());
        }
        yardstick.put("session_id", ("e2e-2" + RUN));
        assertEquals(yardstick, fin);
    }

    @Test
    void aFailingLlmStillDeliversTheTranscript() throws Exception {
        FakeChatResource.server.answerWith(r -> new FakeChatServer.Reply(500, "{\"error\":\"boom\"}", 0));
        JsonObject fin = AudioSocketMessages.finalResult(stream("e2e-3"));
        assertEquals("failed", fin.getJsonObject("analysis").getString("status"));
        assertTrue(fin.getJsonObject("analysis").getString("reason").contains("HTTP 500"));
        assertTrue(fin.getJsonArray("transcript").size() >= 3);
        given().get("/sessions/e2e-3").then().statusCode(200).body("analysis.status", equalTo("failed"));
    }

    @Test
    void listingAndDeletion() throws Exception {
        stream("e2e-4");
        List<String> ids = given().get("/sessions?limit=500").then().statusCode(200).extract().path("sessions.session_id");
        assertTrue(ids.contains("e2e-4"), ids.toString());
        Path audio = Path.of(AnalysisProfile.DATA_DIR, "audio", "e2e-4.pcm");
        assertEquals(pcm.length, Files.size(audio), "lma.session.keep-audio kept the decoded audio");
        given().delete("/sessions/e2e-4").then().statusCode(204);
        given().get("/sessions/e2e-4").then().statusCode(404).body("error.code", equalTo("not_found"));
        assertTrue(!Files.exists(audio), "the kept audio is deleted with the session");
        given().delete("/sessions/e2e-4").then().statusCode(404);
        given().get("/sessions/bad%20id").then().statusCode(400).body("error.code", equalTo("invalid_request"));
        given().get("/sessions?since=yesterday").then().statusCode(400);
    }
}
