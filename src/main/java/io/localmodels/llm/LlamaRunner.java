package io.localmodels.llm;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import de.kherud.llama.args.LogFormat;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One llama.cpp model in this process (java-llama.cpp): the chat template from the GGUF, sampling,
 * grammar-constrained generation token by token, cancellation between tokens. Not thread-safe: the
 * {@link LlmService} runs one generation at a time on its own thread.
 */
final class LlamaRunner implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LlamaRunner.class);
    private static final Logger NATIVE = Logger.getLogger("io.localmodels.llm.llama-cpp");

    private final LlamaModel model;
    private final int contextSize;

    private LlamaRunner(LlamaModel model, int contextSize) {
        this.model = model;
        this.contextSize = contextSize;
    }

    static {
        LlamaNatives.prepare();
        // llama.cpp's own chatter (every tensor, every slot) goes to DEBUG; its warnings and errors stay visible
        LlamaModel.setLogger(LogFormat.TEXT, (level, text) -> {
            String line = text.stripTrailing();
            if (line.isEmpty()) {
                return;
            }
            switch (level) {
                case ERROR -> NATIVE.warn(line);
                case WARN -> NATIVE.info(line);
                default -> NATIVE.debug(line);
            }
        });
    }

    /** Opens {@code file} (the first part of a split model); throws with llama.cpp's failure. */
    static LlamaRunner open(Path file, int contextSize, int threads, int gpuLayers) {
        ModelParameters p = new ModelParameters().setModel(file.toString()).setCtxSize(contextSize).setThreads(threads)
                .setThreadsBatch(threads).setParallel(1).setGpuLayers(gpuLayers)
                // the embedded server's per-request lines would go to stdout; llama.cpp's own log still reaches the logger above
                .disableLog();
        return new LlamaRunner(new LlamaModel(p), contextSize);
    }

    int contextSize() {
        return contextSize;
    }

    /** The conversation in the model's own chat template (from the GGUF metadata), ready for generation. */
    String prompt(List<ChatMessage> messages) {
        String system = null;
        List<Pair<String, String>> turns = new ArrayList<>();
        for (ChatMessage m : messages) {
            if (system == null && turns.isEmpty() && m.role().equals("system")) {
                system = m.content();
            } else {
                turns.add(new Pair<>(m.role(), m.content()));
            }
        }
        return model.applyTemplate(new InferenceParameters("").setMessages(system, turns).setUseChatTemplate(true));
    }

    int countTokens(String text) {
        return model.encode(text).length;
    }

    /** Generates for an already templated prompt; stops at the cap, a stop string, the model's end, or cancellation. */
    Generation generate(String prompt, int promptTokens, GenerationRequest r) {
        InferenceParameters p = new InferenceParameters(prompt).setNPredict(r.maxTokens()).setTemperature((float) r.temperature())
                .setTopP((float) r.topP()).setCachePrompt(true);
        if (r.seed() >= 0) {
            p.setSeed(r.seed());
        }
        if (r.grammar() != null) {
            p.setGrammar(r.grammar());
        }
        if (!r.stop().isEmpty()) {
            p.setStopStrings(r.stop().toArray(String[]::new));
        }
        long t0 = System.nanoTime();
        long firstToken = 0;
        int tokens = 0;
        StringBuilder text = new StringBuilder();
        boolean cancelled = false;
        LlamaIterator it = model.generate(p).iterator();
        while (it.hasNext()) {
            if (r.cancelled().getAsBoolean()) {
                it.cancel();
                cancelled = true;
                break;
            }
            LlamaOutput out = it.next();
            if (out.text.isEmpty()) {
                continue;
            }
            if (tokens++ == 0) {
                firstToken = System.nanoTime() - t0;
            }
            text.append(out.text);
            r.onText().accept(out.text);
        }
        long total = System.nanoTime() - t0;
        // java-llama.cpp hands out text, not tokens (a piece holds several tokens where a character spans
        // them), so the answer is counted by tokenizing it again, the way most servers estimate usage
        int counted = cancelled ? tokens : Math.min(r.maxTokens(), Math.max(tokens, text.isEmpty() ? 0 : countTokens(text.toString())));
        String finish = cancelled ? "cancelled" : counted >= r.maxTokens() ? "length" : "stop";
        return new Generation(text.toString(), promptTokens, counted, finish, firstToken, total);
    }

    @Override
    public void close() {
        model.close();
    }
}
