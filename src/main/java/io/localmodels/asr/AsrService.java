package io.localmodels.asr;

import io.localmodels.inference.OnnxRuntime;
import io.localmodels.models.BackgroundLoad;
import io.localmodels.models.ModelsConfig;
import io.localmodels.models.hub.DownloadProgress;
import io.localmodels.models.hub.HubException;
import io.localmodels.models.hub.HubRef;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Owns the Whisper engine and its pool: loads the configured model in the background at start-up,
 * answers what state it is in (for readiness and for sessions' {@code asr_unavailable}), and is the
 * one door every recognition request goes through.
 */
@Singleton
public class AsrService {

    private static final Logger LOG = Logger.getLogger(AsrService.class);
    public static final String MODEL_ID = "whisper";

    public enum State { DISABLED, DOWNLOADING, LOADING, READY, FAILED }

    private final AsrConfig config;
    private final OnnxRuntime runtime;
    private final ModelsConfig models;
    private final WhisperLocator locator;
    private final MeterRegistry meters;
    private final DistributionSummary batchSizes;
    private final Timer batchTime;
    private final Timer queueWait;
    private final DownloadProgress progress = new DownloadProgress();
    private volatile State state;
    private volatile String reason;
    private volatile String hint;
    private volatile String modelName;
    private volatile WhisperLocator.Source source;
    private volatile WhisperEngine engine;
    private volatile AsrPool pool;
    private final BackgroundLoad loader = new BackgroundLoad("asr-loader");

    public AsrService(AsrConfig config, OnnxRuntime runtime, ModelsConfig models, WhisperLocator locator, MeterRegistry meters) {
        this.config = config;
        this.runtime = runtime;
        this.models = models;
        this.locator = locator;
        this.meters = meters;
        boolean none = config.model().strip().equals("none") || config.model().isBlank();
        this.state = none ? State.DISABLED : State.LOADING;
        this.reason = none ? "no Whisper model configured (lma.asr.model=none)" : "loading " + config.model();
        this.modelName = none ? null : config.model();
        this.batchSizes = DistributionSummary.builder("lma_asr_batch_size").description("utterances per ASR batch").register(meters);
        this.batchTime = Timer.builder("lma_asr_batch_seconds").description("wall time of one ASR batch").register(meters);
        this.queueWait = Timer.builder("lma_asr_queue_wait_seconds").description("longest wait in a batch before it ran").register(meters);
        meters.gauge("lma_asr_queue_depth", this, s -> s.pool == null ? 0 : s.pool.queued());
        meters.gauge("lma_asr_ready", this, s -> s.state == State.READY ? 1 : 0);
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
            WhisperLocator.Source s = locator.source();
            source = s;
            if (s instanceof WhisperLocator.None) {
                state = State.DISABLED;
                reason = "no Whisper model configured (lma.asr.model=none)";
                return;
            }
            if (s instanceof WhisperLocator.Hub h) {
                modelName = h.catalogId() != null ? h.catalogId() : h.ref().toString();
                // resolving the revision, then whatever the cache lacks (often nothing)
                state = State.DOWNLOADING;
                reason = (locator.cached(h) == null ? "downloading " : "checking for updates of ") + h.ref() + " from " + locator.endpoint();
            } else if (s instanceof WhisperLocator.Folder f) {
                modelName = f.dir().getFileName().toString();
            }
            WhisperLocator.Located where = locator.locate(s, progress);
            state = State.LOADING;
            reason = "loading " + where.label();
            long t0 = System.nanoTime();
            WhisperModelFiles files = WhisperModelFiles.find(where.dir(), where.precision(), config.decoderLayout());
            WhisperEngine e = WhisperEngine.open(runtime.environment(), files, file -> runtime.openFor(MODEL_ID, file), config.decodingOptions());
            engine = e;
            pool = new AsrPool(e::transcribe, config.workers(), config.queueCapacity(), config.batchWindow(), config.maxBatch(), b -> {
                batchSizes.record(b.size());
                batchTime.record(b.runNanos(), TimeUnit.NANOSECONDS);
                queueWait.record(b.queuedNanos(), TimeUnit.NANOSECONDS);
            });
            warmUp(e);
            state = State.READY;
            reason = null;
            hint = null;
            LOG.infof("Whisper model %s (%s, %s decoder, %d mels, %s) ready in %.1f s", where.label(), where.precision(),
                    files.merged() ? "merged" : "split", e.model().config().mels(),
                    e.model().config().multilingual() ? "multilingual" : "English-only", (System.nanoTime() - t0) / 1e9);
        } catch (HubException e) {
            state = State.FAILED;
            reason = e.getMessage();
            hint = e.hint();
            LOG.errorf("speech recognition unavailable: %s", e.describe());
        } catch (Exception | UnsatisfiedLinkError e) {
            state = State.FAILED;
            reason = e.getMessage();
            LOG.errorf("speech recognition unavailable: %s", e.getMessage());
        }
    }

    /** Bytes received of the bytes the Whisper fetch needs (meaningful while {@link State#DOWNLOADING}). */
    public DownloadProgress progress() {
        return progress;
    }

    /** The Hub repository lma.asr.model resolved to, if it is one (known once loading began). */
    public Optional<HubRef> hubRef() {
        return source instanceof WhisperLocator.Hub h ? Optional.of(h.ref()) : Optional.empty();
    }

    /**
     * One batch of two short noise windows (language detection included) before the model counts as
     * ready: ONNX Runtime's first runs allocate and the decode loop is compiled, which a real first
     * utterance would otherwise wait for.
     */
    private void warmUp(WhisperEngine e) {
        long t0 = System.nanoTime();
        try {
            Random r = new Random(1);
            float[] noise = new float[LogMelSpectrogram.SAMPLE_RATE];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (float) (r.nextGaussian() * 0.05);
            }
            AsrRequest one = new AsrRequest(noise, null, AsrRequest.Task.TRANSCRIBE, false, null, 0);
            e.transcribe(List.of(one, one));
            LOG.infof("Whisper warmed up in %d ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        } catch (Exception ex) {
            LOG.warnf("Whisper warm-up failed (recognition still runs; the first utterances are slower): %s", ex.toString());
        }
    }

    public State state() {
        return state;
    }

    /** Why recognition is not available (null when it is); while downloading, how far it is. */
    public String reason() {
        State s = state;
        if (s == State.DOWNLOADING && progress.totalBytes() > 0) {
            return reason + ": " + progress.describe();
        }
        return reason;
    }

    /** True while the model is being fetched or opened: transcripts will come. */
    public boolean loading() {
        State s = state;
        return s == State.DOWNLOADING || s == State.LOADING;
    }

    public String hint() {
        return switch (state) {
            case DISABLED -> "set lma.asr.model to auto, a catalog id, a Hugging Face repository or an export folder (see README, Models)";
            case FAILED -> hint != null ? hint : "check lma.asr.model / lma.asr.precision and the log; the rest of the service runs without ASR";
            default -> null;
        };
    }

    public String modelName() {
        return modelName;
    }

    public List<String> languages() {
        WhisperEngine e = engine;
        return e == null ? List.of() : List.copyOf(e.model().config().specials().languageCodes());
    }

    public boolean knowsLanguage(String language) {
        WhisperEngine e = engine;
        return language == null || language.equals("auto") || e == null || !e.model().config().multilingual()
                || e.model().config().specials().language(language).isPresent();
    }

    /** Throws {@link LanguageUnsupportedException} when the loaded model cannot serve this language or task. */
    public void refuseUnsupported(String language, AsrRequest.Task task) {
        WhisperEngine e = engine;
        if (e != null) {
            e.refuseUnsupported(language == null || language.equals("auto") ? null : language, task);
        }
    }

    public WhisperTokenizer tokenizer() {
        WhisperEngine e = engine;
        return e == null ? null : e.tokenizer();
    }

    /** Queues one request; throws when recognition is unavailable or the queue is full. */
    public CompletableFuture<Transcription> submit(AsrRequest request) {
        AsrPool p = pool;
        if (state != State.READY || p == null) {
            count("unavailable");
            throw new AsrUnavailableException("speech recognition is unavailable: " + reason);
        }
        refuseUnsupported(request.language(), request.task());
        if (!knowsLanguage(request.language())) {
            throw new IllegalArgumentException("language '" + request.language() + "' is not one the Whisper model knows");
        }
        try {
            CompletableFuture<Transcription> f = p.submit(request);
            return f.whenComplete((t, e) -> {
                count(e == null ? "ok" : "failed");
                if (t != null && t.dropped() != null) {
                    meters.counter("lma_asr_dropped_windows_total", "reason", t.dropped()).increment();
                }
            });
        } catch (AsrBusyException e) {
            count("busy");
            throw e;
        }
    }

    /**
     * An interim decode (speech still going on): low priority in the pool, and dropped, not queued,
     * when the pool cannot take it (counted in lma_asr_interim_dropped_total); empty then.
     */
    public Optional<CompletableFuture<Transcription>> submitInterim(AsrRequest request) {
        AsrPool p = pool;
        if (state != State.READY || p == null || !knowsLanguage(request.language())) {
            return Optional.empty();
        }
        try {
            return Optional.of(p.submitInterim(request));
        } catch (AsrBusyException | AsrUnavailableException e) {
            meters.counter("lma_asr_interim_dropped_total").increment();
            return Optional.empty();
        }
    }

    private void count(String outcome) {
        Counter.builder("lma_asr_requests_total").tag("outcome", outcome).register(meters).increment();
    }

    synchronized void close() {
        AsrPool p = pool;
        pool = null;
        if (p != null) {
            p.close();
        }
        WhisperEngine e = engine;
        engine = null;
        if (e != null) {
            try {
                e.close();
            } catch (Exception ex) {
                LOG.warnf("closing the Whisper sessions: %s", ex.getMessage());
            }
        }
        if (state == State.READY) {
            state = State.FAILED;
            reason = "shut down";
        }
    }
}
