package io.localmodels.session;

import io.localmodels.inference.ModelRegistry;
import io.localmodels.inference.ModelState;
import io.localmodels.vad.SileroVad;
import io.localmodels.vad.VadBatcher;
import io.localmodels.vad.WindowScorer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every live and resumable audio session, the bounded executor their pipelines run on, and the
 * housekeeping that ends them: resume window, idle timeout.
 */
@Startup
@Singleton
public class AudioSessions implements AudioSession.Host {

    private static final Logger LOG = Logger.getLogger(AudioSessions.class);

    private final Map<String, AudioSession> sessions = new ConcurrentHashMap<>();
    private final SileroVad silero;
    private final WindowScorer scorer;
    private final ModelRegistry models;
    private final AudioConfig audio;
    private final SessionConfig config;
    private final UtteranceSink sink;
    private final SessionArchive archive;
    private final ThreadPoolExecutor executor;
    private final ScheduledExecutorService housekeeping;
    private final Counter audioSeconds;
    private final Counter undeliveredDropped;
    private final AtomicInteger sockets = new AtomicInteger();
    private volatile boolean draining;

    public AudioSessions(SileroVad silero, VadBatcher scorer, ModelRegistry models, AudioConfig audio, SessionConfig config,
                         Instance<UtteranceSink> sinks, SessionArchive archive, MeterRegistry meters) {
        this.archive = archive;
        this.silero = silero;
        this.scorer = scorer;
        this.models = models;
        this.audio = audio;
        this.config = config;
        this.sink = sinks.isResolvable() ? sinks.get() : UtteranceSink.NONE;
        int workers = audio.workers().orElse(Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        // Each session's stream has at most one drain task queued at a time, so sessions bound the queue.
        this.executor = new ThreadPoolExecutor(workers, workers, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(16, audio.maxSessions() * 4)), r -> {
            Thread t = new Thread(r, "audio-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "audio-sessions-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        this.audioSeconds = Counter.builder("lma.audio.seconds").description("Seconds of audio decoded from clients")
                .register(meters);
        this.undeliveredDropped = Counter.builder("lma.session.undelivered.dropped")
                .description("Events dropped from a detached session's full outbox").register(meters);
        Gauge.builder("lma.sessions.active", sockets, AtomicInteger::get)
                .description("Audio sockets with a session attached").register(meters);
        Gauge.builder("lma.sessions.resumable", sessions, s -> s.values().stream().filter(x -> !x.attached()).count())
                .description("Sessions whose socket dropped, waiting to be resumed").register(meters);
        Gauge.builder("lma.audio.queue.depth", executor, e -> e.getQueue().size())
                .description("Session pipelines waiting for an audio worker").register(meters);
    }

    /** Starts a session, or resumes the one named by {@code settings.sessionId()}. */
    public synchronized AudioSession open(StreamSettings settings, SessionListener listener) throws SessionOpenException {
        if (draining) {
            throw new SessionOpenException("busy", "the server is shutting down; connect again (another replica will take the session)",
                    true, 1013);
        }
        if (!(models.state(silero.modelId()) instanceof ModelState.Loaded)) {
            ModelState st = models.state(silero.modelId());
            throw new SessionOpenException("vad_unavailable", "the VAD model " + silero.modelId() + " is "
                    + (st == null ? "not configured" : st.label()) + "; see /q/health/ready", true, 1013);
        }
        String id = settings.sessionId() == null ? UUID.randomUUID().toString() : settings.sessionId();
        AudioSession existing = sessions.get(id);
        if (existing != null && !existing.ended()) {
            if (!existing.format().equals(settings.format())) {
                throw new SessionOpenException("invalid_config", "session " + id + " was started as "
                        + describe(existing) + "; a resume must use the same sample_rate, encoding and channels", false, 0);
            }
            existing.attach(listener, true);
            LOG.infof("session %s resumed", id);
            return existing;
        }
        AudioSession created = new AudioSession(id, new StreamSettings(id, settings.format(), settings.language(),
                settings.vad()), silero, scorer, sink, archive, this, executor, audio.maxBufferedBytes(),
                audio.maxSessionDuration().toSeconds(), config.maxUndeliveredEvents(), archive.nextSegmentId(id));
        sessions.put(id, created);
        created.attach(listener, false);
        return created;
    }

    /** Whether a session with this id is open (connected or resumable). */
    public boolean live(String id) {
        AudioSession s = sessions.get(id);
        return s != null && !s.ended();
    }

    public void detach(AudioSession session, SessionListener listener) {
        session.detach(listener);
    }

    /** Counts an open audio socket; false when the limit is reached (the caller answers busy). */
    public boolean tryAcquireSocket() {
        while (true) {
            int n = sockets.get();
            if (n >= audio.maxSessions()) {
                return false;
            }
            if (sockets.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void releaseSocket() {
        sockets.decrementAndGet();
    }

    @Override
    public void ended(AudioSession session) {
        sessions.remove(session.id(), session);
    }

    @Override
    public void audioProcessed(double seconds) {
        audioSeconds.increment(seconds);
    }

    @Override
    public void undeliveredDropped() {
        undeliveredDropped.increment();
    }

    private void sweep() {
        long now = System.nanoTime();
        long resumeNanos = config.resumeWindow().toNanos();
        long idleNanos = audio.idleTimeout().toNanos();
        for (AudioSession s : sessions.values()) {
            try {
                if (s.attached()) {
                    if (now - s.lastAudioNanos() > idleNanos) {
                        s.idleTimeout(audio.idleTimeout().toSeconds());
                    }
                } else if (s.detachedAtNanos() > 0 && now - s.detachedAtNanos() > resumeNanos) {
                    LOG.infof("session %s: resume window over, ended", s.id());
                    sessions.remove(s.id(), s);
                    s.abandon();
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "session %s: housekeeping failed", s.id());
            }
        }
    }

    private static String describe(AudioSession s) {
        return s.format().encoding().wireName() + " " + s.format().sampleRate() + " Hz " + s.format().channels() + " ch";
    }

    public boolean draining() {
        return draining;
    }

    /**
     * Graceful shutdown: refuse new sessions, let each open session finish the audio it accepted and
     * its pending recognitions (until {@code deadline}), then tell its client to reconnect and close.
     */
    public void drain(java.time.Instant deadline, long retryAfterMillis, Runnable beforeNotice) {
        draining = true;
        List<AudioSession> open = List.copyOf(sessions.values());
        LOG.infof("draining %d audio sessions", open.size());
        List<java.util.concurrent.CompletableFuture<Void>> settled = new java.util.ArrayList<>();
        for (AudioSession s : open) {
            settled.add(s.settled().toCompletableFuture());
        }
        try {
            long left = java.time.Duration.between(java.time.Instant.now(), deadline).toMillis();
            java.util.concurrent.CompletableFuture.allOf(settled.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(Math.max(0, left), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warnf("drain: recognitions still running at the deadline; closing anyway");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warnf("drain: %s", e.getMessage());
        }
        beforeNotice.run();
        for (AudioSession s : open) {
            s.shutdownNotice(retryAfterMillis);
        }
    }

    @PreDestroy
    void shutdown() {
        housekeeping.shutdownNow();
        sessions.values().forEach(AudioSession::expire);
        sessions.clear();
        executor.shutdown();
    }
}
