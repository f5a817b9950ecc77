package io.localmodels.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import io.localmodels.testing.FakeChatServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The openai engine against a real HTTP server on loopback speaking the chat-completions wire format. */
public class OpenAiAnalysisEngineTest {

    public static final String GOOD = "{\"summary\":\"Se acordó revisar el módulo de pagos.\",\"decisions\":[\"Usar la API nueva\"],"
            + "\"open_questions\":[\"¿Quién prueba?\"],\"action_items\":[{\"title\":\"Revisar pagos\",\"description\":\"antes del viernes\","
            + "\"steps\":[\"Paso 1: leer el código\",\"Paso 2: probar\"],\"source_segment_ids\":[1,2]}],\"risks\":[\"Plazo ajustado\"]}";

    private FakeChatServer server;

    record Config(String url, Duration timeout, int retries, int contextTokens, StructuredOutput mode) implements AnalysisConfig {
        @Override public Engine engine() { return Engine.OPENAI; }
        @Override public Optional<String> baseUrl() { return Optional.of(url); }
        @Override public String model() { return "qwen2.5:7b-instruct"; }
        @Override public boolean vision() { return false; }
        @Override public Optional<String> apiKey() { return Optional.of("sk-analysis-test"); }
        @Override public Duration retryBackoff() { return Duration.ofMillis(10); }
        @Override public int maxAnswerTokens() { return 256; }
        @Override public StructuredOutput structuredOutput() { return mode; }
        @Override public double temperature() { return 0.2; }
        @Override public int workers() { return 1; }
        @Override public int queueCapacity() { return 4; }
    }

    static final List<TranscriptLine> TRANSCRIPT = List.of(
            new TranscriptLine(1, "S1", 0.0, 4.2, "Tenemos que revisar el módulo de pagos antes del viernes."),
            new TranscriptLine(2, "S1", 4.5, 8.0, "Vale, usaremos la API nueva. ¿Quién lo prueba?"));

    @BeforeEach
    void start() throws Exception {
        server = new FakeChatServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiAnalysisEngine engine(Duration timeout, int retries, int context, AnalysisConfig.StructuredOutput mode) {
        return new OpenAiAnalysisEngine(new Config(server.baseUrl(), timeout, retries, context, mode), new SimpleMeterRegistry());
    }

    private OpenAiAnalysisEngine engine() {
        return engine(Duration.ofSeconds(5), 2, 8192, AnalysisConfig.StructuredOutput.AUTO);
    }

    @Test
    void structuredRequestInTheSessionLanguageAndAParsedAnswer() {
        server.then(FakeChatServer.Reply.content(GOOD));
        AnalysisOutcome out = engine().analyse("es", TRANSCRIPT);
        assertEquals("ok", out.status().status());
        assertEquals("Se acordó revisar el módulo de pagos.", out.analysis().summary());
        assertEquals(List.of(1, 2), out.analysis().actionItems().get(0).sourceSegmentIds());
        assertEquals(List.of("Paso 1: leer el código", "Paso 2: probar"), out.analysis().actionItems().get(0).steps());
        JsonNode req = server.requests().get(0);
        assertEquals("qwen2.5:7b-instruct", req.path("model").asText());
        assertEquals("json_schema", req.path("response_format").path("type").asText());
        JsonNode schema = req.path("response_format").path("json_schema").path("schema");
        assertTrue(schema.path("required").toString().contains("action_items"), schema.toString());
        String system = req.path("messages").get(0).path("content").asText();
        assertTrue(system.contains("español"), system);
        String user = req.path("messages").get(1).path("content").asText();
        assertTrue(user.contains("[1] 0.0–4.2 S1: Tenemos que revisar") && user.contains("[2] 4.5–8.0"), user);
    }

    @Test
    void englishSessionsGetEnglishInstructions() {
        server.then(FakeChatServer.Reply.content(GOOD));
        engine().analyse("en", TRANSCRIPT);
        assertTrue(server.requests().get(0).path("messages").get(0).path("content").asText().contains("Always answer in English"));
    }

    @Test
    void invalidJsonIsRepairedOnce() {
        server.then(FakeChatServer.Reply.content("Claro, aquí está el análisis: {summary: sin comillas"))
                .then(FakeChatServer.Reply.content("```json\n" + GOOD + "\n```"));
        AnalysisOutcome out = engine().analyse("es", TRANSCRIPT);
        assertEquals("ok", out.status().status(), String.valueOf(out.status().reason()));
        assertEquals(2, server.requests().size());
        JsonNode repair = server.requests().get(1).path("messages");
        assertEquals("assistant", repair.get(2).path("role").asText());
        assertTrue(repair.get(3).path("content").asText().contains("no es un JSON válido"));
    }

    @Test
    void stillInvalidAfterTheRepairFails() {
        server.then(FakeChatServer.Reply.content("no")).then(FakeChatServer.Reply.content("[1,2]"));
        AnalysisOutcome out = engine().analyse("es", TRANSCRIPT);
        assertEquals("failed", out.status().status());
        assertTrue(out.status().reason().contains("repair"), out.status().reason());
        assertNull(out.analysis());
    }

    @Test
    void serverErrorsAreRetriedThenReported() {
        server.answerWith(r -> new FakeChatServer.Reply(500, "{\"error\":{\"message\":\"out of memory\"}}", 0));
        AnalysisOutcome out = engine().analyse("es", TRANSCRIPT);
        assertEquals("failed", out.status().status());
        assertTrue(out.status().reason().contains("HTTP 500") && out.status().reason().contains("3 attempts"), out.status().reason());
        assertEquals(3, server.requests().size());
    }

    @Test
    void aRetryRecoversFromOne503() {
        server.then(new FakeChatServer.Reply(503, "busy", 0)).then(FakeChatServer.Reply.content(GOOD));
        assertEquals("ok", engine().analyse("es", TRANSCRIPT).status().status());
    }

    @Test
    void aStalledServerTimesOut() {
        server.answerWith(r -> new FakeChatServer.Reply(200, FakeChatServer.completion(GOOD), 3000));
        // the answer would come after 3 s and be good: "failed" for the timeout's reason proves the 400 ms timeout fired
        AnalysisOutcome out = engine(Duration.ofMillis(400), 0, 8192, AnalysisConfig.StructuredOutput.AUTO).analyse("es", TRANSCRIPT);
        assertEquals("failed", out.status().status());
        assertTrue(out.status().reason().contains("lma.analysis.timeout"), out.status().reason());
        assertEquals(1, server.requests().size(), "one attempt (retries 0), abandoned");
    }

    @Test
    void aServerWithoutJsonSchemaGetsJsonObject() {
        server.then(new FakeChatServer.Reply(400, "{\"error\":{\"message\":\"response_format json_schema is not supported\"}}", 0))
                .then(FakeChatServer.Reply.content(GOOD));
        OpenAiAnalysisEngine e = engine();
        assertEquals("ok", e.analyse("es", TRANSCRIPT).status().status());
        assertEquals("json_object", server.requests().get(1).path("response_format").path("type").asText());
        server.then(FakeChatServer.Reply.content(GOOD));
        e.analyse("es", TRANSCRIPT);
        assertEquals("json_object", server.requests().get(2).path("response_format").path("type").asText(), "remembered");
    }

    @Test
    void aTranscriptLongerThanTheContextIsAnalysedInChunksAndMerged() {
        List<TranscriptLine> lines = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            lines.add(new TranscriptLine(i, "S1", i * 5.0, i * 5.0 + 4, "Frase número " + i + " de una reunión larga sobre el presupuesto del proyecto."));
        }
        server.answerWith(r -> FakeChatServer.Reply.content(GOOD));
        int context = 1200;
        AnalysisOutcome out = engine(Duration.ofSeconds(5), 0, context, AnalysisConfig.StructuredOutput.AUTO).analyse("es", lines);
        assertEquals("ok", out.status().status());
        List<JsonNode> reqs = server.requests();
        assertTrue(reqs.size() >= 3, "several chunks and a merge: " + reqs.size());
        String last = reqs.get(reqs.size() - 1).path("messages").get(1).path("content").asText();
        assertTrue(last.contains("análisis parciales"), "the last call merges");
        Set<Integer> covered = new TreeSet<>();
        for (JsonNode r : reqs.subList(0, reqs.size() - 1)) {
            String prompt = r.path("messages").get(0).path("content").asText() + r.path("messages").get(1).path("content").asText();
            assertTrue(OpenAiAnalysisEngine.tokens(prompt) + 256 <= context, "each chunk fits the context");
            Matcher m = Pattern.compile("\\[(\\d+)]").matcher(r.path("messages").get(1).path("content").asText());
            while (m.find()) {
                covered.add(Integer.parseInt(m.group(1)));
            }
        }
        assertEquals(60, covered.size(), "every segment went to some chunk");
    }
}
