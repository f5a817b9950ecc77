package io.localmodels.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.localmodels.testing.AudioSocketMessages;
import io.localmodels.testing.EmbeddedLlmProfile;
import io.localmodels.testing.LlamaFixtures;
import io.localmodels.testing.NodeScripts;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service with the embedded LLM and no LLM server: a /ws/audio session ends with an analysis
 * made in-process, and the official openai client gets plain, streamed and schema-held answers
 * from /v1/chat/completions.
 */
@QuarkusTest
@TestProfile(EmbeddedLlmProfile.class)
class EmbeddedLlmEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @BeforeEach
    void ready() {
        WhisperFixtures.dir();
        LlamaFixtures.model();
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'asr' }.data.state", equalTo("ready"))
                .body("checks.find { it.name == 'llm' }.data.state", equalTo("ready")));
    }

    @Test
    void aSessionEndsWithAnAnalysisMadeInProcess() throws Exception {
        byte[] pcm = Wav.read(SharedFiles.require("audio/jfk.wav")).pcm();
        String id = "llm-e2e-" + UUID.randomUUID().toString().substring(0, 8);
        List<JsonObject> messages;
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(new JsonObject().put("type", "config").put("session_id", id).put("sample_rate", 16000).put("language", "es"));
            ws.await("config_ack", 10);
            AudioSocketMessages.sendFrames(ws, pcm, 0, pcm.length);
            ws.json(new JsonObject().put("type", "end_of_stream"));
            ws.await("stream_ended", 120);
            messages = ws.received();
        }
        JsonObject fin = AudioSocketMessages.finalResult(messages);
        JsonObject analysis = fin.getJsonObject("analysis");
        assertEquals("llama", analysis.getString("engine"), analysis.encode());
        assertEquals("ok", analysis.getString("status"), analysis.encode());
        assertEquals("tiny-llama.gguf", analysis.getString("model"));
        assertTrue(fin.getValue("summary") instanceof String);
        for (String list : List.of("action_items", "risks", "decisions", "open_questions")) {
            assertTrue(fin.getValue(list) instanceof JsonArray, list + " in " + fin.encode());
        }
        given().get("/sessions/" + id).then().statusCode(200).body("analysis.engine", equalTo("llama"));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String series : List.of("lma_analysis_seconds_count{engine=\"llama\"}", "lma_llm_tokens_total{kind=\"prompt\"}",
                "lma_llm_tokens_total{kind=\"completion\"}", "lma_llm_time_to_first_token_seconds_count", "lma_llm_tokens_per_second_count",
                "lma_llm_queue_depth", "lma_llm_requests_total{outcome=\"stop\"}")) {
            assertTrue(metrics.contains(series), series);
        }
    }

    @Test
    void theOpenAiClientGetsPlainStreamedAndSchemaAnswers() throws Exception {
        NodeScripts.requireModule("openai");
        JsonNode out = JSON.readTree(NodeScripts.run("openai-chat.mjs", List.of(base.resolve("/v1").toString()), Duration.ofMinutes(3)));
        assertEquals(List.of("tiny-llama.gguf"), strings(out.path("models")));

        JsonNode plain = out.path("plain");
        assertEquals("assistant", plain.path("role").asText());
        assertEquals("chat.completion", plain.path("object").asText());
        assertFalse(plain.path("content").asText().isEmpty());
        assertEquals("length", plain.path("finish").asText(), "a random model runs to max_tokens");
        assertEquals(24, plain.path("usage").path("completion_tokens").asInt());
        assertTrue(plain.path("usage").path("prompt_tokens").asInt() > 10);

        JsonNode stream = out.path("stream");
        assertEquals(1, stream.path("ids").size(), "one id for every chunk");
        assertEquals(List.of("assistant"), strings(stream.path("roles")), "the role comes once, first");
        assertTrue(stream.path("deltas").size() > 3, "several chunks: " + stream);
        assertEquals(plain.path("content").asText(), String.join("", strings(stream.path("deltas"))),
                "at temperature 0 the streamed chunks join to the plain answer");
        assertEquals("length", stream.path("finish").asText());
        assertEquals(plain.path("usage"), stream.path("usage"));

        for (JsonNode answer : out.path("jsonSchema")) {
            JsonNode doc = JSON.readTree(answer.asText());
            // a random model emits invalid UTF-8 the grammar takes as one character each (overlong forms) and the client
            // decodes to U+FFFD, one per byte: those are not counted
            String city = doc.path("ciudad").asText().replace("\uFFFD", "");
            assertTrue(doc.path("ciudad").isTextual() && city.codePointCount(0, city.length()) <= 20, answer.asText());
            assertTrue(doc.path("personas").isInt() && doc.path("personas").asInt() >= 0 && doc.path("personas").asInt() <= 99, answer.asText());
            assertEquals(2, doc.size(), answer.asText());
        }
        JsonNode object = out.path("jsonObject");
        if (object.path("finish").asText().equals("stop")) {
            assertTrue(JSON.readTree(object.path("content").asText()).isObject(), object.toString());
        } else {
            assertTrue(object.path("content").asText().startsWith("{"), object.toString());
        }

        assertEquals(400, out.path("emptyMessages").path("status").asInt(), out.path("emptyMessages").toString());
        assertEquals("invalid_request", out.path("emptyMessages").path("code").asText());
        assertEquals(400, out.path("badTemperature").path("status").asInt());
        assertTrue(out.path("badTemperature").path("message").asText().contains("temperature"));
        assertEquals(400, out.path("tooLong").path("status").asInt());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
