package io.localmodels.asr;

import io.localmodels.inference.OnnxRuntime;
import io.localmodels.models.ModelsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    public enum State { DISABLED, LOADING, READY, FAILED }

    private final AsrConfig config;
    private final OnnxRuntime runtime;
    private final ModelsConfig models;
    private final MeterRegistry meters;
    private final DistributionSummary batchSizes;
    private final Timer batchTime;
    private final Timer queueWait;
    private volatile State state;
    private volatile String reason;
    private volatile WhisperEngine engine;
    private volatile AsrPool pool;

    public AsrService(AsrConfig config, OnnxRuntime runtime, ModelsConfig models, MeterRegistry meters) {
        this.config = config;
        this.runtime = runtime;
        this.models = models;
        this.meters = meters;
        this.state = config.model().isPresent() ? State.LOADING : State.DISABLED;
        this.reason = config.model().isPresent() ? "loading " + config.model().get() : "no Whisper model configured (lma.asr.model)";
        this.batchSizes = DistributionSummary.builder("lma_asr_batch_size").description("utterances per ASR batch").register(meters);
        this.batchTime = Timer.builder("lma_asr_batch_seconds").description("wall time of one ASR batch").register(meters);
        this.queueWait = Timer.builder("lma_asr_queue_wait_seconds").description("longest wait in a batch before it ran").register(meters);
        meters.gauge("lma_asr_queue_depth", this, s -> s.pool == null ? 0 : s.pool.queued());
        meters.gauge("lma_asr_ready", this, s -> s.state == State.READY ? 1 : 0);
    }

    void onStart(@Observes StartupEvent event) {
        if (config.model().isEmpty() || models.fetchOnly()) {
            return;
        }
        Thread t = new Thread(this::load, "asr-loader");
        t.setDaemon(true);
        t.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        close();
    }

    synchronized void load() {
        String where = config.model().orElseThrow();
        try {
            Path dir = modelDirectory(where);
            long t0 = System.nanoTime();
            WhisperModelFiles files = WhisperModelFiles.find(dir, config.precision(), config.decoderLayout());
            WhisperEngine e = WhisperEngine.open(runtime.environment(), files, file -> runtime.openFor(MODEL_ID, file), config.decodingOptions());
            engine = e;
            pool = new AsrPool(e::transcribe, config.workers(), config.queueCapacity(), config.batchWindow(), config.maxBatch(), s -> {
                batchSizes.record(s.size());
                batchTime.record(s.runNanos(), TimeUnit.NANOSECONDS);
                queueWait.record(s.queuedNanos(), TimeUnit.NANOSECONDS);
            });
            warmUp(e);
            state = State.READY;
            reason = null;
            LOG.infof("Whisper model %s (%s, %s decoder, %d mels) ready in %.1f s", dir, config.precision(),
                    files.merged() ? "merged" : "split", e.model().config().mels(), (System.nanoTime() - t0) / 1e9);
        } catch (Exception | UnsatisfiedLinkError e) {
            state = State.FAILED;
            reason = e.getMessage();
            LOG.errorf("speech recognition unavailable: %s", e.getMessage());
        }
    }

    /**
     * One batch of two short noise windows (language detection included) before the model counts as
     * ready: ONNX Runtime's first runs allocate and the decode loop is compiled, which a real first
     * utterance would otherwise wait for.
     */
    private void warmUp(WhisperEngine e) {
        long t0 = System.nanoTime();
        try {
            java.util.Random r = new java.util.Random(1);
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

    /**
     * A path to an export folder, or a name looked up as {@code <lma.models.cache-dir>/<name>} and then
     * {@code <mirror>/<name>} for each of {@code lma.models.mirrors} (Whisper folders are not in the
     * catalog: their files are not downloaded or hash-checked by the service).
     */
    Path modelDirectory(String where) throws java.io.IOException {
        Path direct = Path.of(where);
        if (Files.isDirectory(direct)) {
            return direct;
        }
        List<Path> tried = new java.util.ArrayList<>();
        if (where.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            tried.add(models.cacheDir().resolve(where));
            models.mirrors().orElse(List.of()).forEach(m -> tried.add(m.resolve(where)));
            for (Path p : tried) {
                if (Files.isDirectory(p)) {
                    return p;
                }
            }
        }
        throw new java.io.IOException("lma.asr.model=" + where + " is neither a folder nor found in " + tried
                + "; put a Hugging Face Whisper ONNX export there (e.g. git clone https://huggingface.co/onnx-community/whisper-base "
                + models.cacheDir().resolve("whisper-base") + ", then lma.asr.model=whisper-base)");
    }

    public State state() {
        return state;
    }

    /** Why recognition is not available (null when it is). */
    public String reason() {
        return reason;
    }

    public String hint() {
        return switch (state) {
            case DISABLED -> "set lma.asr.model to a Whisper ONNX export directory (see README, Models)";
            case FAILED -> "check lma.asr.model / lma.asr.precision and the log; the rest of the service runs without ASR";
            default -> null;
        };
    }

    public String modelName() {
        return config.model().map(m -> Path.of(m).getFileName().toString()).orElse(null);
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
