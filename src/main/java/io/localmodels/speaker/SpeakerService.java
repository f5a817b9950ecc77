package io.localmodels.speaker;

import io.localmodels.inference.OnnxRuntime;
import io.localmodels.inference.SessionHandle;
import io.localmodels.models.BackgroundLoad;
import io.localmodels.models.ModelsConfig;
import io.localmodels.models.hub.DownloadProgress;
import io.localmodels.models.hub.HubException;
import io.localmodels.models.hub.HubFetcher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Voice prints for the audio sessions: loads the configured embedding (the built-in one at once, a
 * model in the background), and computes each utterance's parts and their prints on its own small
 * pool, so that neither the audio pipeline nor the ASR workers wait on it.
 */
@Singleton
public class SpeakerService {

    private static final Logger LOG = Logger.getLogger(SpeakerService.class);

    /** Speaker tracking for one session: its clusters and how to split an utterance. */
    public record Tracking(SpeakerClusters clusters, SpeakerService service) {
    }

    private final SpeakerConfig config;
    private final OnnxRuntime runtime;
    private final HubFetcher hub;
    private final ModelsConfig models;
    private final BackgroundLoad loader = new BackgroundLoad("speaker-model-load");
    private final ThreadPoolExecutor pool;
    private final Counter skipped;
    private volatile SpeakerEmbedder embedder;
    private volatile String unavailable;

    public SpeakerService(SpeakerConfig config, OnnxRuntime runtime, HubFetcher hub, ModelsConfig models, MeterRegistry meters) {
        this.config = config;
        this.runtime = runtime;
        this.hub = hub;
        this.models = models;
        int threads = Math.max(1, config.threads());
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(Math.max(1, config.queueCapacity())),
                r -> {
                    Thread t = new Thread(r, "speaker-embedding");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.skipped = Counter.builder("lma_speaker_skipped_total")
                .description("utterances that kept the previous speaker because voice prints fell behind or failed").register(meters);
        meters.gauge("lma_speaker_queue_depth", pool, p -> p.getQueue().size());
        this.unavailable = "loading " + config.model();
    }

    void onStart(@Observes StartupEvent event) {
        if (models.fetchOnly()) {
            return;
        }
        SpeakerModelSource source;
        try {
            source = SpeakerModelSource.parse(config.model());
        } catch (IOException e) {
            unavailable = e.getMessage();
            LOG.error(unavailable);
            return;
        }
        if (source instanceof SpeakerModelSource.Builtin) {
            use(new CepstralEmbedder());
            return;
        }
        loader.start(() -> load(source));
    }

    void onStop(@Observes ShutdownEvent event) {
        loader.interrupt();
        pool.shutdownNow();
        SpeakerEmbedder e = embedder;
        embedder = null;
        if (e != null) {
            e.close();
        }
    }

    private void load(SpeakerModelSource source) {
        SessionHandle handle = null;
        try {
            var file = SpeakerModelSource.locate(source, hub, new DownloadProgress());
            handle = runtime.openFor("speaker", file);
            use(new OnnxSpeakerEmbedder(runtime.environment(), handle));
        } catch (HubException e) {
            fail(source + ": " + e.describe(), handle);
        } catch (Exception e) {
            fail(source + ": " + e.getMessage(), handle);
        }
    }

    private void fail(String reason, SessionHandle handle) {
        unavailable = "speaker model not loaded: " + reason;
        LOG.error(unavailable);
        if (handle != null) {
            try {
                handle.close();
            } catch (Exception ignored) {
                // closing what failed to load
            }
        }
    }

    /** Installs an embedder (tests give their own). */
    public void use(SpeakerEmbedder e) {
        embedder = e;
        unavailable = null;
        LOG.infof("speakers: %s (join at %.2f, split below %s)", e.name(), threshold(),
                config.split() ? String.format(Locale.ROOT, "%.2f", splitThreshold()) : "never");
    }

    public boolean enabledByDefault() {
        return config.enabled();
    }

    /** Why no speaker tracking can start now (model loading or failed); empty when it can. */
    public Optional<String> unavailable() {
        return embedder != null ? Optional.empty() : Optional.ofNullable(unavailable);
    }

    public String model() {
        SpeakerEmbedder e = embedder;
        return e == null ? null : e.name();
    }

    /** A trained model's prints spread wider than the built-in one's, so its default thresholds are lower. */
    private boolean trained() {
        return embedder instanceof OnnxSpeakerEmbedder;
    }

    double threshold() {
        return config.threshold().orElse(trained() ? 0.50 : 0.81);
    }

    double splitThreshold() {
        return config.splitThreshold().orElse(trained() ? 0.30 : 0.60);
    }

    /** A session's tracking, its labels numbered after {@code labelsBefore}; empty while no embedding is ready. */
    public Optional<Tracking> track(int labelsBefore) {
        return embedder == null ? Optional.empty()
                : Optional.of(new Tracking(new SpeakerClusters(threshold(), config.maxSpeakers(), labelsBefore), this));
    }

    /**
     * One utterance's speaker parts (one part unless the voice changes inside it), off the caller's
     * thread. When the pool is full or the embedding fails: one part without a print (counted).
     */
    public CompletionStage<List<SpeakerChanges.Part>> parts(float[] audio16k) {
        SpeakerEmbedder e = embedder;
        List<SpeakerChanges.Part> whole = List.of(new SpeakerChanges.Part(0, audio16k.length, null));
        if (e == null) {
            skipped.increment();
            return CompletableFuture.completedFuture(whole);
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                if (audio16k.length < e.minSamples()) {
                    return whole;
                }
                return new SpeakerChanges(e, config.split() ? splitThreshold() : -1).split(audio16k);
            }, pool).exceptionally(failure -> {
                LOG.warnf("speaker embedding failed: %s", failure.toString());
                skipped.increment();
                return whole;
            });
        } catch (RejectedExecutionException full) {
            skipped.increment();
            return CompletableFuture.completedFuture(whole);
        }
    }
}
