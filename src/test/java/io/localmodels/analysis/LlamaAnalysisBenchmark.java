package io.localmodels.analysis;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import io.localmodels.llm.ChatMessage;
import io.localmodels.llm.GenerationRequest;
import io.localmodels.llm.LlmService;
import io.localmodels.llm.TestLlm;
import io.localmodels.testing.LlamaFixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Not part of the suite (see docs/benchmarks.md). The service's session analysis (prompts, chat
 * template, the LLM thread and queue, grammar, parsing) against the bare java-llama.cpp call on the
 * same prompt, grammar, seed and settings, which samples the same tokens; and the tokens per second.
 * {@code -Dlma.bench.gguf=FILE} runs another model than the fixture.
 */
class LlamaAnalysisBenchmark {

    private static final int RUNS = Integer.getInteger("lma.bench.runs", 5);
    private static final int THREADS = Integer.getInteger("lma.bench.threads", 2);

    @Test
    void serviceAnalysisVersusTheBareCall() throws Exception {
        String file = System.getProperty("lma.bench.gguf");
        Path gguf = file != null ? Path.of(file) : LlamaFixtures.model();
        int context = Integer.getInteger("lma.bench.context", 16384);
        List<TranscriptLine> transcript = LlamaAnalysisEngineTest.transcript(12);
        String system = Prompts.system("es");
        String user = Prompts.transcript("es", transcript, 1, 1);
        double temperature = 0.8;
        int seed = 11;

        LlmService llm = TestLlm.open(gguf, context, 2);
        LlamaAnalysisEngine engine = new LlamaAnalysisEngine(llm, temperature, seed);
        String grammar = engine.grammar();
        int cap = engine.answerTokens();
        try (LlamaModel bare = new LlamaModel(new ModelParameters().setModel(gguf.toString()).setCtxSize(context).setThreads(THREADS)
                .setThreadsBatch(THREADS).setParallel(1).setGpuLayers(0).disableLog())) {
            String prompt = bare.applyTemplate(new InferenceParameters("").setMessages(system, List.of(new Pair<>("user", user)))
                    .setUseChatTemplate(true));
            InferenceParameters p = new InferenceParameters(prompt).setNPredict(cap).setTemperature((float) temperature).setTopP(1f)
                    .setSeed(seed).setGrammar(grammar).setCachePrompt(true);
            // the model's own speed, no grammar, the prompt not cached: prompt processing, then decoding
            InferenceParameters free = new InferenceParameters(prompt).setNPredict(64).setTemperature(0.8f).setSeed(seed)
                    .setCachePrompt(false).setIgnoreEos(true);
            double bestPrompt = Double.MAX_VALUE;
            double bestDecode = Double.MAX_VALUE;
            for (int r = 0; r < Math.max(2, RUNS / 4); r++) {
                long t0 = System.nanoTime();
                long first = 0;
                int pieces = 0;
                for (var o : bare.generate(free)) {
                    if (pieces++ == 0) {
                        first = System.nanoTime() - t0;
                    }
                }
                bestPrompt = Math.min(bestPrompt, first / 1e9);
                bestDecode = Math.min(bestDecode, (System.nanoTime() - t0 - first) / 1e9 / Math.max(1, pieces - 1));
            }
            System.out.printf(Locale.ROOT, "%nfree generation: prompt of %d tokens processed in %.2f s (%.0f tokens/s), then %.1f tokens/s%n",
                    bare.encode(prompt).length, bestPrompt, bare.encode(prompt).length / bestPrompt, 1 / bestDecode);
            if (!Boolean.parseBoolean(System.getProperty("lma.bench.analysis", "true"))) {
                return; // a random model of a real vocabulary rambles to the cap under a grammar: minutes, and no real figure
            }
            // warm-up both, and check they sample the same answer
            String bareAnswer = bare.complete(p);
            AnalysisOutcome warm = engine.analyse("es", transcript);
            if (!"ok".equals(warm.status().status())) {
                throw new IllegalStateException(warm.status().reason());
            }
            double bestService = Double.MAX_VALUE;
            double bestBare = Double.MAX_VALUE;
            double bestIterated = Double.MAX_VALUE;
            for (int r = 0; r < RUNS; r++) {
                long ti = System.nanoTime();
                StringBuilder b = new StringBuilder();
                for (var o : bare.generate(p)) {
                    b.append(o.text);
                }
                bestIterated = Math.min(bestIterated, (System.nanoTime() - ti) / 1e9);
                long t0 = System.nanoTime();
                engine.analyse("es", transcript);
                bestService = Math.min(bestService, (System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                bare.complete(p);
                bestBare = Math.min(bestBare, (System.nanoTime() - t0) / 1e9);
            }
            int answerTokens = bare.encode(bareAnswer).length;
            int promptTokens = bare.encode(prompt).length;
            System.out.printf(Locale.ROOT, "%n| model | prompt tokens | answer tokens (re-tokenized) | bare java-llama.cpp s | service analysis s "
                    + "| service / bare | answer tokens/s (bare) |%n|---|---|---|---|---|---|---|%n| %s | %d | %d | %.3f | %.3f | %.3f | %.0f |%n",
                    gguf.getFileName(), promptTokens, answerTokens, bestBare, bestService, bestService / bestBare, answerTokens / bestBare);
            long tt = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                bare.applyTemplate(new InferenceParameters("").setMessages(system, List.of(new Pair<>("user", user))).setUseChatTemplate(true));
            }
            double template = (System.nanoTime() - tt) / 20e9;
            tt = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                bare.encode(prompt);
            }
            double encode = (System.nanoTime() - tt) / 20e9;
            System.out.printf(Locale.ROOT, "chat template %.4f s, tokenizing the prompt %.4f s%n", template, encode);
            System.out.printf(Locale.ROOT, "bare java-llama.cpp token by token (its iterator): %.3f s, %.3f of the one-call time%n",
                    bestIterated, bestIterated / bestBare);
            System.out.println("answer cap (grammar bound + 1): " + cap + " tokens; same answer as the bare call: "
                    + bareAnswer.equals(bareAnswerOf(llm, engine, system, user)));
        } finally {
            TestLlm.close(llm);
        }
    }

    /** The service's raw answer for the same request, to show both paths sample the same tokens. */
    private static String bareAnswerOf(LlmService llm, LlamaAnalysisEngine engine, String system, String user) throws Exception {
        return llm.generate(GenerationRequest.of(List.of(new ChatMessage("system", system),
                new ChatMessage("user", user)), 0.8, engine.answerTokens(), engine.grammar(), 11)).get().text();
    }
}
