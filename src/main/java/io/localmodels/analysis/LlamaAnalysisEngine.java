package io.localmodels.analysis;

import io.localmodels.llm.ChatMessage;
import io.localmodels.llm.Generation;
import io.localmodels.llm.GenerationRequest;
import io.localmodels.llm.GrammarBound;
import io.localmodels.llm.LlmException;
import io.localmodels.llm.LlmGrammars;
import io.localmodels.llm.LlmService;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;

/**
 * Analysis by the embedded llama.cpp model. The analysis schema, compiled to a grammar, holds every
 * token the model samples, so even a small or confused model returns JSON that parses and has every
 * field; the schema's bounds make the longest such answer fit the answer cap, so no answer is cut
 * inside a string. Prompts, chunking and merge are those of every engine.
 */
final class LlamaAnalysisEngine extends ChunkedAnalysisEngine {

    private static final Logger LOG = Logger.getLogger(LlamaAnalysisEngine.class);

    private final LlmService llm;
    private final double temperature;
    private final int seed;
    private volatile String grammar;
    private volatile int answerCap;

    LlamaAnalysisEngine(LlmService llm, double temperature) {
        this(llm, temperature, -1);
    }

    /** @param seed the sampler's seed, -1 for a random one (tests fix it) */
    LlamaAnalysisEngine(LlmService llm, double temperature, int seed) {
        this.llm = llm;
        this.temperature = temperature;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "llama";
    }

    @Override
    protected String model() {
        return llm.modelName();
    }

    @Override
    protected int contextTokens() {
        return llm.contextSize();
    }

    @Override
    protected int answerTokens() {
        grammar();
        return answerCap;
    }

    @Override
    public AnalysisOutcome analyse(String language, List<TranscriptLine> transcript) {
        // before anything touches llama.cpp: a model still downloading, or one that never loaded (no native
        // library for this platform, say), is a failed analysis with the reason, never an error thrown
        if (llm.state() != LlmService.State.READY) {
            return AnalysisOutcome.failed(name(), model(), "the LLM is " + llm.state().name().toLowerCase(Locale.ROOT)
                    + (llm.reason() != null ? ": " + llm.reason() : ""));
        }
        return super.analyse(language, transcript);
    }

    /** The analysis grammar (made on first use: it needs llama.cpp's native library). */
    String grammar() {
        String g = grammar;
        if (g == null) {
            g = LlmGrammars.compactFromJsonSchema(AnalysisJson.schema());
            long bound = GrammarBound.maxBytes(g);
            if (bound == GrammarBound.UNBOUNDED) {
                throw new IllegalStateException("the analysis schema's grammar is unbounded");
            }
            answerCap = (int) bound + 1; // + the end-of-answer token
            grammar = g;
            LOG.infof("analysis grammar: the longest complete answer is %d bytes, the answer cap %d tokens", bound, answerCap);
        }
        return g;
    }

    @Override
    protected SessionAnalysis ask(String language, String userPrompt) throws AnalysisFailure, InterruptedException {
        List<ChatMessage> messages = List.of(new ChatMessage("system", Prompts.system(language)), new ChatMessage("user", userPrompt));
        Generation answer;
        try {
            answer = llm.generate(GenerationRequest.of(messages, temperature, answerTokens(), grammar(), seed)).get();
        } catch (LlmException e) {
            throw new AnalysisFailure(e.getMessage());
        } catch (ExecutionException e) {
            throw new AnalysisFailure(e.getCause() instanceof LlmException le ? le.getMessage() : "the LLM failed: " + e.getCause());
        }
        if (!answer.finishReason().equals("stop")) {
            throw new AnalysisFailure("the LLM's answer ended early (" + answer.finishReason() + ")");
        }
        try {
            return AnalysisJson.parse(answer.text());
        } catch (AnalysisJson.InvalidAnalysis e) {
            throw new AnalysisFailure("the LLM's answer did not parse although a grammar held it: " + e.getMessage());
        }
    }
}
