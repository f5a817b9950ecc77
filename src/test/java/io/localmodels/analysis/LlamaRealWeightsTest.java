package io.localmodels.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.localmodels.llm.LlmService;
import io.localmodels.llm.TestLlm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real weights: with {@code LMA_LLM_GGUF} pointing at a real instruct GGUF (e.g. Qwen2.5-1.5B-Instruct
 * Q4_K_M), a Spanish meeting gives a Spanish summary, action items with steps, and risks. Without it
 * every test says loudly that it skipped (and surefire counts them as skipped).
 */
class LlamaRealWeightsTest {

    private static final String ENV = "LMA_LLM_GGUF";
    private static LlmService llm;

    @BeforeAll
    static void open() {
        String gguf = System.getenv(ENV);
        if (gguf != null && !gguf.isBlank() && Files.isRegularFile(Path.of(gguf))) {
            llm = TestLlm.open(Path.of(gguf), 8192, 2);
        }
    }

    @AfterAll
    static void close() {
        if (llm != null) {
            TestLlm.close(llm);
        }
    }

    private static void requireModel() {
        String gguf = System.getenv(ENV);
        if (llm == null && gguf != null && !gguf.isBlank()) {
            throw new AssertionError(ENV + "=" + gguf + " is not a file");
        }
        if (llm == null) {
            String reason = "SKIPPED (real weights): set " + ENV + " to a real instruct GGUF file, e.g. qwen2.5-1.5b-instruct-q4_k_m.gguf";
            System.err.println("*** " + reason + " ***");
            Assumptions.abort(reason);
        }
        assertEquals(LlmService.State.READY, llm.state(), llm::reason);
    }

    static List<TranscriptLine> meeting() throws IOException {
        List<TranscriptLine> out = new ArrayList<>();
        try (InputStream in = LlamaRealWeightsTest.class.getResourceAsStream("/llm/reunion-es.txt")) {
            int id = 1;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\|", 4);
                out.add(new TranscriptLine(id++, f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]), f[3]));
            }
        }
        return out;
    }

    /** Spanish function words outnumber English ones by far in Spanish text. */
    static boolean spanish(String text) {
        return count(text, "el|la|los|las|de|del|que|y|en|un|una|para|por|con|se") > 3 * count(text, "the|and|of|to|in|for|with|is|a|on");
    }

    private static int count(String text, String words) {
        Matcher m = Pattern.compile("\\b(" + words + ")\\b").matcher(text.toLowerCase(Locale.ROOT));
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void aSpanishMeetingGivesASpanishAnalysisWithStepsAndRisks() throws Exception {
        requireModel();
        AnalysisOutcome out = new LlamaAnalysisEngine(llm, 0.2, 7).analyse("es", meeting());
        assertEquals("ok", out.status().status(), out.status().reason());
        SessionAnalysis a = out.analysis();
        System.err.println("real-weights analysis: " + new ObjectMapper().writeValueAsString(a));
        assertTrue(a.summary().length() > 20 && spanish(a.summary()), "a Spanish summary: " + a.summary());
        assertFalse(a.actionItems().isEmpty(), "at least one action item");
        assertTrue(a.actionItems().stream().anyMatch(i -> !i.steps().isEmpty()), "an action item with steps");
        assertFalse(a.risks().isEmpty(), "the server downtime is a risk");
    }
}
