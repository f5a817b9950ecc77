package io.localmodels.analysis;

import io.localmodels.llm.LlmService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Picks the engine (lma.analysis.engine) and runs analyses on their own bounded executor, never on the event loop. */
@Singleton
public class AnalysisService {

    private static final Logger LOG = Logger.getLogger(AnalysisService.class);

    private final AnalysisEngine engine;
    private final ThreadPoolExecutor executor;
    private final MeterRegistry meters;

    public AnalysisService(AnalysisConfig config, LlmService llm, MeterRegistry meters) {
        this.meters = meters;
        AnalysisConfig.Engine chosen = switch (config.engine()) {
            case AUTO -> config.baseUrl().isPresent() ? AnalysisConfig.Engine.OPENAI
                    : llm.configured() ? AnalysisConfig.Engine.LLAMA : AnalysisConfig.Engine.NONE;
            default -> config.engine();
        };
        if (chosen == AnalysisConfig.Engine.OPENAI && config.baseUrl().isEmpty()) {
            throw new IllegalStateException("lma.analysis.engine=openai needs lma.analysis.base-url");
        }
        if (chosen == AnalysisConfig.Engine.LLAMA && !llm.configured()) {
            throw new IllegalStateException("lma.analysis.engine=llama needs an LLM (lma.llm.model is none)");
        }
        this.engine = switch (chosen) {
            case OPENAI -> new OpenAiAnalysisEngine(config, meters);
            case LLAMA -> new LlamaAnalysisEngine(llm, config.temperature());
            default -> new NoAnalysisEngine(config.engine() == AnalysisConfig.Engine.NONE ? "lma.analysis.engine=none"
                    : "no analysis model: no server configured (lma.analysis.base-url) and no embedded LLM (lma.llm.model=none)");
        };
        LOG.infof("session analysis engine: %s%s", engine.name(), switch (chosen) {
            case OPENAI -> " (" + config.model() + " at " + config.baseUrl().get() + ")";
            case LLAMA -> " (embedded llama.cpp, lma.llm.model=" + llm.configuredModel() + ")";
            default -> "";
        });
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(config.workers(), config.workers(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.queueCapacity()), r -> {
            Thread t = new Thread(r, "analysis-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public String engineName() {
        return engine.name();
    }

    public CompletableFuture<AnalysisOutcome> analyse(String language, List<TranscriptLine> transcript) {
        if (transcript.isEmpty()) {
            return CompletableFuture.completedFuture(new AnalysisOutcome(null,
                    new AnalysisStatus("unavailable", engine.name(), null, "nothing was transcribed")));
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                Timer.Sample sample = Timer.start(meters);
                try {
                    return engine.analyse(language, transcript);
                } catch (RuntimeException | LinkageError e) {
                    LOG.errorf(e, "session analysis failed");
                    return AnalysisOutcome.failed(engine.name(), null, e.toString());
                } finally {
                    sample.stop(meters.timer("lma_analysis_seconds", "engine", engine.name()));
                }
            }, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(AnalysisOutcome.failed(engine.name(), null,
                    "too many analyses waiting (lma.analysis.queue-capacity)"));
        }
    }

    @PreDestroy
    void shutdown() {
        executor.shutdownNow();
    }
}
