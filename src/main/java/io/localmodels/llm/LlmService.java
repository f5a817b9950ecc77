package io.localmodels.llm;

import io.localmodels.models.BackgroundLoad;
import io.localmodels.models.ModelsConfig;
import io.localmodels.models.hub.DownloadProgress;
import io.localmodels.models.hub.HubException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The embedded LLM: fetches and opens the configured GGUF in the background (the audio path never
 * waits for it), then runs one generation at a time on its own thread with a bounded queue; the
 * analysis engine and {@code /v1/chat/completions} both come through here.
 */
@Singleton
public class LlmService {

    private static final Logger LOG = Logger.getLogger(LlmService.class);

    public enum State { DISABLED, DOWNLOADING, LOADING, READY, FAILED }

    private final LlmConfig config;
    private final LlmLocator locator;
    private final MeterRegistry meters;
    private final ModelsConfig models;
    private final DownloadProgress progress = new DownloadProgress();
    private final ThreadPoolExecutor executor;
    private final Timer firstToken;
    private final DistributionSummary tokensPerSecond;
    private volatile State state;
    private volatile String reason;
    private volatile String hint;
    private volatile String modelName;
    private volatile LlamaRunner runner;
    private final BackgroundLoad loader = new BackgroundLoad("llm-loader");
    private volatile boolean closing;

    public LlmService(LlmConfig config, LlmLocator locator, ModelsConfig models, MeterRegistry meters) {
        this.config = config;
        this.locator = locator;
        this.models = models;
        this.meters = meters;
        this.state = configured() ? State.LOADING : State.DISABLED;
        this.reason = configured() ? "loading " + config.model() : "no LLM configured (lma.llm.model=none)";
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(Math.max(1, config.queueCapacity())), r -> {
            Thread t = new Thread(r, "llm");
            t.setDaemon(true);
            return t;
        });
        this.firstToken = Timer.builder("lma_llm_time_to_first_token_seconds").description("prompt processing up to the first answer token")
                .register(meters);
        this.tokensPerSecond = DistributionSummary.builder("lma_llm_tokens_per_second").description("answer tokens per second of decoding")
                .register(meters);
        meters.gauge("lma_llm_queue_depth", executor, e -> e.getQueue().size() + e.getActiveCount());
        meters.gauge("lma_llm_ready", this, s -> s.state == State.READY ? 1 : 0);
    }

    /** True when a model is configured (or auto): the analysis engine {@code auto} then picks llama. */
    public boolean configured() {
        return !(config.model().isBlank() || config.model().strip().equals("none"));
    }

    public String configuredModel() {
        return config.model();
    }

    void onStart(@Observes StartupEvent event) {
        if (state == State.DISABLED || models.fetchOnly()) {
            return;
        }
        loader.start(this::load);
    }

    void onStop(@Observes ShutdownEvent event) {
        loader.interrupt();
        close();
    }

    synchronized void load() {
        try {
            LlmLocator.Source source = locator.source();
            if (source instanceof LlmLocator.None none) {
                state = State.DISABLED;
                reason = none.why();
                LOG.infof("no embedded LLM: %s", none.why());
                return;
            }
            modelName = source instanceof LlmLocator.LocalFile f ? f.file().getFileName().toString() : source.toString();
            if (source instanceof LlmLocator.Hub h) {
                state = State.DOWNLOADING;
                reason = (locator.cached(h) == null ? "downloading " : "checking for updates of ") + h + " from " + locator.endpoint();
            }
            Path file = locator.locate(source, progress);
            state = State.LOADING;
            reason = "loading " + file.getFileName();
            GgufInfo info = GgufInfo.read(file).requireRunnable(file);
            if (!info.chatTemplate()) {
                LOG.warnf("%s has no chat template in its metadata: llama.cpp falls back to ChatML", file.getFileName());
            }
            long t0 = System.nanoTime();
            int threads = config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
            int gpuLayers = config.gpuLayers().orElse(locator.onGpu() ? 999 : 0);
            try {
                LlamaNatives.prepare();
            } catch (IllegalStateException e) {
                fail(e.getMessage(), "build the library with tools/build-jllama.sh, or unset lma.llm.library");
                LOG.errorf("the embedded LLM is unavailable: %s", e.getMessage());
                return;
            }
            LlamaRunner r = LlamaRunner.open(file, config.contextSize(), threads, gpuLayers);
            if (closing) {
                r.close();
                return;
            }
            runner = r;
            state = State.READY;
            reason = null;
            hint = null;
            LOG.infof("LLM %s (%s, %s) ready in %.1f s: context %d tokens, %d threads, %d GPU layers, llama.cpp %s, %s", modelName,
                    info.architecture(), info.name(), (System.nanoTime() - t0) / 1e9, config.contextSize(), threads, gpuLayers,
                    GgufInfo.LLAMA_CPP_BUILD, LlamaNatives.describe());
        } catch (HubException e) {
            fail(e.getMessage(), e.hint());
            LOG.errorf("the embedded LLM is unavailable: %s", e.describe());
        } catch (GgufInfo.Unusable e) {
            fail(e.getMessage(), "point lma.llm.model at a GGUF of a supported architecture (README, Models: LLM)");
            LOG.errorf("the embedded LLM is unavailable: %s", e.getMessage());
        } catch (Exception | UnsatisfiedLinkError e) {
            fail("llama.cpp could not open the model: " + e.getMessage(), null);
            LOG.errorf(e, "the embedded LLM is unavailable");
        }
    }

    private void fail(String why, String fix) {
        state = State.FAILED;
        reason = why;
        hint = fix;
    }

    public State state() {
        return state;
    }

    public String reason() {
        State s = state;
        return s == State.DOWNLOADING && progress.totalBytes() > 0 ? reason + ": " + progress.describe() : reason;
    }

    public String hint() {
        return switch (state) {
            case DISABLED -> "set lma.llm.model to auto, a GGUF file or a Hugging Face GGUF repository (README, Models: LLM)";
            case FAILED -> hint != null ? hint : "check lma.llm.model and the log";
            default -> null;
        };
    }

    public DownloadProgress progress() {
        return progress;
    }

    public String modelName() {
        return modelName;
    }

    LlamaRunner runnerForTest() {
        return runner;
    }

    public int contextSize() {
        return config.contextSize();
    }

    public int defaultMaxTokens() {
        return config.maxTokens();
    }

    /** Runs one generation on the LLM thread; fails with {@link LlmException} (unavailable, busy, context exceeded). */
    public CompletableFuture<Generation> generate(GenerationRequest request) {
        try {
            return onLlmThread(r -> run(r, request));
        } catch (LlmException e) {
            count(e.kind() == LlmException.Kind.BUSY ? "busy" : "unavailable");
            throw e;
        }
    }

    /** Tokens of this conversation in the model's chat template, as a generation counts its prompt; on the LLM thread. */
    public CompletableFuture<Integer> countTokens(List<ChatMessage> messages) {
        return onLlmThread(r -> r.countTokens(r.prompt(messages)));
    }

    /** Queues work for the one LLM thread; refused at once when no model is loaded or the queue is full. */
    private <T> CompletableFuture<T> onLlmThread(Function<LlamaRunner, T> work) {
        LlamaRunner r = runner;
        if (state != State.READY || r == null || closing) {
            throw new LlmException(LlmException.Kind.UNAVAILABLE, "the LLM is " + state.name().toLowerCase(Locale.ROOT)
                    + (reason() != null ? ": " + reason() : ""));
        }
        try {
            return CompletableFuture.supplyAsync(() -> work.apply(r), executor);
        } catch (RejectedExecutionException e) {
            throw new LlmException(LlmException.Kind.BUSY, "the LLM is busy: " + executor.getQueue().size()
                    + " requests are waiting (lma.llm.queue-capacity)");
        }
    }

    private Generation run(LlamaRunner r, GenerationRequest request) {
        if (closing) {
            throw new LlmException(LlmException.Kind.UNAVAILABLE, "the service is shutting down");
        }
        String prompt = r.prompt(request.messages());
        int promptTokens = r.countTokens(prompt);
        if (promptTokens + request.maxTokens() > r.contextSize()) {
            count("context_exceeded");
            throw new LlmException(LlmException.Kind.CONTEXT_EXCEEDED, "the prompt has " + promptTokens + " tokens and the answer may take "
                    + request.maxTokens() + ", together more than the context of " + r.contextSize() + " tokens (lma.llm.context-size)");
        }
        Generation g;
        try {
            g = r.generate(prompt, promptTokens, request.cancelledAlsoWhen(() -> closing));
        } catch (RuntimeException e) {
            count("failed");
            throw new LlmException(LlmException.Kind.FAILED, "llama.cpp failed: " + e.getMessage());
        }
        count(g.finishReason());
        meters.counter("lma_llm_tokens_total", "kind", "prompt").increment(g.promptTokens());
        meters.counter("lma_llm_tokens_total", "kind", "completion").increment(g.completionTokens());
        if (g.completionTokens() > 0) {
            firstToken.record(g.timeToFirstTokenNanos(), TimeUnit.NANOSECONDS);
            tokensPerSecond.record(g.tokensPerSecond());
        }
        return g;
    }

    private void count(String outcome) {
        Counter.builder("lma_llm_requests_total").tag("outcome", outcome).register(meters).increment();
    }

    synchronized void close() {
        closing = true;
        LlamaRunner r = runner;
        runner = null;
        // a generation in flight sees `closing` at its next token and cancels itself on its own thread
        // (llama.cpp's result queue must not be cancelled from another thread while it waits on it)
        executor.shutdownNow();
        boolean idle = true;
        try {
            idle = executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (r != null && idle) {
            r.close();
        } else if (r != null) {
            LOG.warn("the LLM did not stop within 10 s; its memory is left to the process exit");
        }
        if (state == State.READY) {
            state = State.FAILED;
            reason = "shut down";
        }
    }
}
