package io.localmodels.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.localmodels.llm.ChatMessage;
import io.localmodels.llm.Generation;
import io.localmodels.llm.GenerationRequest;
import io.localmodels.llm.GrammarBound;
import io.localmodels.llm.LlmService;
import io.localmodels.llm.TestLlm;
import io.localmodels.testing.LlamaFixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The llama engine on the random-weight fixture model: whatever a random model samples, the
 * analysis grammar makes the answer parse and conform to the analysis schema, and the schema's
 * bounds make every complete answer end within the cap.
 */
class LlamaAnalysisEngineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LlmService llm;

    @BeforeAll
    static void open() {
        llm = TestLlm.open(LlamaFixtures.model());
        assertEquals(LlmService.State.READY, llm.state(), () -> "fixture model: " + llm.reason());
    }

    @AfterAll
    static void close() {
        if (llm != null) {
            TestLlm.close(llm);
        }
    }

    static List<TranscriptLine> transcript(int lines) {
        List<TranscriptLine> out = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            out.add(new TranscriptLine(i + 1, i % 2 == 0 ? "S1" : "S2", i * 4.0, i * 4.0 + 3.5,
                    "Tenemos que llamar al proveedor mañana y revisar el presupuesto del proyecto, punto " + i + "."));
        }
        return out;
    }

    @Test
    void theGrammarsLongestAnswerFitsTheCapAndTheContext() {
        LlamaAnalysisEngine engine = new LlamaAnalysisEngine(llm, 0.8, 1);
        long bound = GrammarBound.maxBytes(engine.grammar());
        assertTrue(bound != GrammarBound.UNBOUNDED, "the analysis grammar is bounded");
        assertEquals(bound + 1, engine.answerTokens(), "the cap is the longest answer plus the end token");
        // room for a useful prompt beside the longest answer in the default context
        assertTrue(engine.answerTokens() <= llm.contextSize() / 2, "cap " + engine.answerTokens() + " of context " + llm.contextSize());
    }

    @Test
    void rawAnswersOfARandomModelAlwaysParseAndConform() throws Exception {
        LlamaAnalysisEngine engine = new LlamaAnalysisEngine(llm, 1.0, 1);
        JsonNode schema = AnalysisJson.schema();
        int seeds = 0;
        for (int seed = 1; seed <= 12; seed++) {
            String language = seed % 2 == 0 ? "es" : "en";
            List<ChatMessage> messages = List.of(new ChatMessage("system", Prompts.system(language)),
                    new ChatMessage("user", Prompts.transcript(language, transcript(seed % 5 + 1), 1, 1)));
            Generation g = llm.generate(GenerationRequest.of(messages, 1.0, engine.answerTokens(), engine.grammar(), seed)).get();
            assertEquals("stop", g.finishReason(), "seed " + seed + " ended on its own within the cap: " + g.completionTokens() + " tokens");
            JsonNode doc = JSON.readTree(g.text());
            List<String> problems = SchemaCheck.violations(schema, doc);
            problems.removeIf(p -> p.contains("characters, more than") && g.text().indexOf('\uFFFD') >= 0);
            assertEquals(List.of(), problems, "seed " + seed + ": " + g.text());
            seeds++;
        }
        assertEquals(12, seeds);
    }

    @Test
    void analysesOfManyLengthsAreOkAndConform() throws Exception {
        JsonNode schema = AnalysisJson.schema();
        for (int lines : new int[] {1, 3, 20, 120}) {
            LlamaAnalysisEngine engine = new LlamaAnalysisEngine(llm, 0.9, lines);
            AnalysisOutcome out = engine.analyse(lines % 2 == 0 ? "es" : "en", transcript(lines));
            assertEquals("ok", out.status().status(), () -> lines + " lines: " + out.status().reason());
            assertEquals("llama", out.status().engine());
            JsonNode doc = JSON.valueToTree(out.analysis());
            assertEquals(List.of(), SchemaCheck.violations(schema, doc), lines + " lines: " + doc);
        }
    }

    @Test
    void anLlmThatDidNotLoadGivesAFailedAnalysisWithTheReason() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        LlmService broken = TestLlm.open(LlamaFixtures.dir().resolve("not-a-gguf.gguf"), 16384, 2, meters);
        try {
            AnalysisOutcome out = new LlamaAnalysisEngine(broken, 0.2, 1).analyse("es", transcript(2));
            assertEquals("failed", out.status().status());
            assertEquals("llama", out.status().engine());
            assertTrue(out.status().reason().startsWith("the LLM is failed") && out.status().reason().contains("not a GGUF"),
                    out.status().reason());
            // answered before anything reaches the LLM (or llama.cpp's grammar converter): no generation was even asked for
            assertEquals(null, meters.find("lma_llm_requests_total").counter(), "a generation was attempted");
        } finally {
            TestLlm.close(broken);
        }
    }
}
