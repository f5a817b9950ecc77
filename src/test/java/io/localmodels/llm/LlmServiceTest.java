package io.localmodels.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.localmodels.testing.LlamaFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded llama.cpp on the fixture GGUF: loading and its failures, streaming, cancellation, limits. */
class LlmServiceTest {

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

    private static List<ChatMessage> hello() {
        return List.of(new ChatMessage("system", "Eres un asistente."), new ChatMessage("user", "Hola, ¿qué tal?"));
    }

    @Test
    void theHeaderSaysWhatTheFixtureIs() throws Exception {
        GgufInfo info = GgufInfo.read(LlamaFixtures.model());
        assertEquals("llama", info.architecture());
        assertEquals(3, info.version());
        assertTrue(info.chatTemplate());
        assertEquals(32768, info.contextLength());
        assertEquals(1, info.splitCount());
        assertEquals(2, GgufInfo.read(LlamaFixtures.dir().resolve("tiny-split/tiny-llama-00001-of-00002.gguf")).splitCount());
    }

    @Test
    void theChatTemplateComesFromTheGguf() {
        LlmService s = llm;
        String prompt = ((LlamaRunnerAccess) () -> s).prompt(hello());
        assertEquals("<|im_start|>system\nEres un asistente.<|im_end|>\n<|im_start|>user\nHola, ¿qué tal?<|im_end|>\n<|im_start|>assistant\n",
                prompt);
    }

    @Test
    void aFileThatIsNotGgufFailsWithTheReason() {
        LlmService s = TestLlm.open(LlamaFixtures.dir().resolve("not-a-gguf.gguf"));
        try {
            assertEquals(LlmService.State.FAILED, s.state());
            assertTrue(s.reason().contains("not a GGUF file"), s.reason());
        } finally {
            TestLlm.close(s);
        }
    }

    @Test
    void anUnsupportedArchitectureFailsWithTheReason() {
        LlmService s = TestLlm.open(LlamaFixtures.dir().resolve("tiny-unsupported-arch.gguf"));
        try {
            assertEquals(LlmService.State.FAILED, s.state());
            assertTrue(s.reason().contains("'lma-unknown-arch'") && s.reason().contains("does not support"), s.reason());
            assertThrows(LlmException.class, () -> s.generate(GenerationRequest.of(hello(), 0, 8, null, 1)));
        } finally {
            TestLlm.close(s);
        }
    }

    @Test
    void aSplitModelLoadsFromItsFirstPart() throws Exception {
        Path first = LlamaFixtures.dir().resolve("tiny-split/tiny-llama-00001-of-00002.gguf");
        LlmService s = TestLlm.open(first, 4096, 2);
        try {
            assertEquals(LlmService.State.READY, s.state(), s::reason);
            Generation split = s.generate(GenerationRequest.of(hello(), 0, 24, null, 1)).get();
            Generation whole = llm.generate(GenerationRequest.of(hello(), 0, 24, null, 1)).get();
            assertEquals(whole.text(), split.text(), "the same weights in two files answer the same");
        } finally {
            TestLlm.close(s);
        }
    }

    @Test
    void streamedPiecesArriveInOrderAndJoinToTheAnswer() throws Exception {
        List<String> pieces = new ArrayList<>();
        GenerationRequest streamed = new GenerationRequest(hello(), 0, 1, 40, List.of(), null, 3, pieces::add, null);
        Generation g = llm.generate(streamed).get();
        assertTrue(pieces.size() > 5, "pieces: " + pieces.size());
        assertEquals(g.text(), String.join("", pieces));
        Generation plain = llm.generate(GenerationRequest.of(hello(), 0, 40, null, 99)).get();
        assertEquals(g.text(), plain.text(), "temperature 0 is greedy: the seed does not matter");
        assertEquals("length", g.finishReason());
        assertEquals(40, g.completionTokens());
    }

    @Test
    void aStopStringEndsTheAnswerBeforeIt() throws Exception {
        String full = llm.generate(GenerationRequest.of(hello(), 0, 60, null, 1)).get().text();
        String stop = full.substring(20, 24);
        int at = full.indexOf(stop);
        Generation g = llm.generate(new GenerationRequest(hello(), 0, 1, 60, List.of(stop), null, 1, null, null)).get();
        assertEquals(full.substring(0, at), g.text(), "stopped before '" + stop + "'");
        assertEquals("stop", g.finishReason());
    }

    @Test
    void aCancelledGenerationStopsBetweenTokens() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        GenerationRequest r = new GenerationRequest(hello(), 0.8, 1, 500, List.of(), null, 5, t -> seen.incrementAndGet(),
                () -> seen.get() >= 5);
        Generation g = llm.generate(r).get();
        assertEquals("cancelled", g.finishReason());
        assertEquals(5, g.completionTokens());
        assertEquals(5, seen.get(), "nothing streamed after the cancel");
        // the model is usable afterwards
        assertEquals("length", llm.generate(GenerationRequest.of(hello(), 0, 8, null, 1)).get().finishReason());
    }

    @Test
    void aFullQueueAnswersBusyAtOnce() throws Exception {
        LlmService s = TestLlm.open(LlamaFixtures.model(), 4096, 1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        try {
            GenerationRequest holding = new GenerationRequest(hello(), 0.8, 1, 2000, List.of(), null, 1, t -> {
                running.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, () -> release.getCount() == 0);
            CompletableFuture<Generation> first = s.generate(holding);
            assertTrue(running.await(30, TimeUnit.SECONDS));
            CompletableFuture<Generation> queued = s.generate(GenerationRequest.of(hello(), 0, 4, null, 1));
            LlmException busy = assertThrows(LlmException.class, () -> s.generate(GenerationRequest.of(hello(), 0, 4, null, 1)));
            assertEquals("busy", busy.code());
            release.countDown();
            assertEquals("cancelled", first.get(30, TimeUnit.SECONDS).finishReason());
            assertEquals("length", queued.get(30, TimeUnit.SECONDS).finishReason());
        } finally {
            release.countDown();
            TestLlm.close(s);
        }
    }

    @Test
    void aPromptAndCapOverTheContextAreRefused() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> llm.generate(GenerationRequest.of(hello(), 0, llm.contextSize(), null, 1)).get());
        LlmException cause = (LlmException) e.getCause();
        assertEquals("context_length_exceeded", cause.code());
        assertFalse(cause.getMessage().isBlank());
    }

    @Test
    void aGrammarHoldsTheAnswer() throws Exception {
        String grammar = LlmGrammars.fromJsonSchema(new ObjectMapper().readTree(
                "{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}},\"required\":[\"ok\"],\"additionalProperties\":false}"));
        for (int seed = 1; seed <= 5; seed++) {
            Generation g = llm.generate(GenerationRequest.of(hello(), 1.0, 64, grammar, seed)).get();
            String compact = g.text().replaceAll("\\s", "");
            assertTrue(compact.equals("{\"ok\":true}") || compact.equals("{\"ok\":false}"), g.text());
        }
    }

    /** Reaches the runner of a service in this package for the template check. */
    @FunctionalInterface
    interface LlamaRunnerAccess {
        LlmService service();

        default String prompt(List<ChatMessage> messages) {
            return service().runnerForTest().prompt(messages);
        }
    }
}
