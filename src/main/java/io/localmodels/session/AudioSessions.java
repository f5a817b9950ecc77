package io.localmodels.session;

import io.localmodels.audio.AudioEncoding;
import io.localmodels.audio.StreamFormat;
import io.localmodels.inference.ModelRegistry;
import io.localmodels.inference.ModelState;
import io.localmodels.speaker.SpeakerService;
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

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    private final long interimIntervalSamples;
    private final SpeakerService speakers;

    public AudioSessions(SileroVad silero, VadBatcher scorer, ModelRegistry models, AudioConfig audio, SessionConfig config,
                         Instance<UtteranceSink> sinks, SessionArchive archive, MeterRegistry meters,
                         SpeakerService speakers) {
        this.speakers = speakers;
        this.archive = archive;
        this.silero = silero;
        this.scorer = scorer;
        this.models = models;
        this.audio = audio;
        this.config = config;
        this.sink = sinks.isResolvable() ? sinks.get() : UtteranceSink.NONE;
        this.interimIntervalSamples = sink.interimInterval().toMillis() * SileroVad.SAMPLE_RATE / 1000;
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

    /**
     * Starts a session, or resumes the one named by {@code settings.sessionId()}: live here, or left
     * unfinished by a process that stopped (continued from its stored checkpoint). An id whose
     * session has ended, or whose resume window has closed, is refused: a stored session is never
     * merged into. Reads the store: call it on a worker thread, never on an event loop.
     */
    public AudioSession open(StreamSettings settings, SessionListener listener) throws SessionOpenException {
        if (draining) {
            throw new SessionOpenException("busy", "the server is shutting down; connect again (another replica will take the session)",
                    true, 1013);
        }
        if (!(models.state(silero.modelId()) instanceof ModelState.Loaded)) {
            ModelState st = models.state(silero.modelId());
            throw new SessionOpenException("vad_unavailable", "the VAD model " + silero.modelId() + " is "
                    + (st == null ? "not configured" : st.label()) + "; see /q/health/ready", true, 1013);
        }
        if (settings.sessionId() == null) {
            return create(UUID.randomUUID().toString(), settings, listener, AudioSession.Start.NEW);
        }
        String id = settings.sessionId();
        AudioSession live = sessions.get(id);
        if (live != null) {
            return resume(live, settings, listener);
        }
        AudioSession.Start start = fromStore(id, settings);
        // Two connections may race to start the same id: one creates, the other resumes what it created.
        // The map locks only this id's bin, so opening one session never waits on another.
        AudioSession[] createdHere = new AudioSession[1];
        AudioSession session = sessions.computeIfAbsent(id, k -> createdHere[0] = newSession(k, settings, start));
        if (createdHere[0] == null) {
            return resume(session, settings, listener);
        }
        session.attach(listener, false);
        return session;
    }

    /** A session this process does not hold: new, or continued from where the store says it stood. */
    private AudioSession.Start fromStore(String id, StreamSettings settings) throws SessionOpenException {
        Optional<SessionStore.StoredSession> stored;
        try {
            stored = archive.stored(id);
        } catch (RuntimeException e) {
            LOG.errorf("session %s: could not read the session store: %s", id, e.getMessage());
            throw new SessionOpenException("store_unavailable", "the session store cannot be read, so session " + id
                    + " cannot be started or resumed safely; retry later", true, 1013);
        }
        if (stored.isEmpty()) {
            return AudioSession.Start.NEW;
        }
        SessionStore.StoredSession s = stored.get();
        if (s.document() != null) {
            throw new SessionOpenException("session_ended", "session " + id + " has ended (the client ended it, its resume window closed or"
                    + " it sat idle); its document is at GET /sessions/" + id + "; start a new session with another session_id", false, 0);
        }
        Instant until = archive.resumableUntil(s);
        if (until.isBefore(Instant.now())) {
            throw new SessionOpenException("session_expired", "session " + id + " was not resumed within its resume window"
                    + " (lma.session.resume-window, closed at " + until + ") and cannot continue; what it said is at GET /sessions/"
                    + id + "; start a new session with another session_id", false, 0);
        }
        AudioCheckpoint cp = s.checkpoint();
        if (cp != null && !format(cp).equals(settings.format())) {
            throw new SessionOpenException("invalid_config", "session " + id + " was started as " + cp.encoding() + " "
                    + cp.sampleRate() + " Hz " + cp.channels() + " ch; a resume must use the same sample_rate, encoding and channels",
                    false, 0);
        }
        LOG.infof("session %s: continued from the store at %d samples, segment %d", id, cp == null ? 0 : cp.samples(),
                SessionArchive.nextSegmentId(s));
        return new AudioSession.Start(SessionArchive.nextSegmentId(s), cp, SessionArchive.labelsUsed(s), s.segments());
    }

    private static StreamFormat format(AudioCheckpoint cp) {
        return new StreamFormat(cp.sampleRate(), AudioEncoding.fromWire(cp.encoding()).orElseThrow(), cp.channels());
    }

    private static SessionOpenException ended(String id) {
        return new SessionOpenException("session_ended", "session " + id + " has ended (end_of_stream); its final_result is at"
                + " GET /sessions/" + id + "; start a new session with another session_id", false, 0);
    }

    private AudioSession resume(AudioSession existing, StreamSettings settings, SessionListener listener) throws SessionOpenException {
        if (existing.closing() && existing.windowClosed()) {
            throw new SessionOpenException("session_ended", "session " + existing.id() + " was not resumed within its resume window"
                    + " (lma.session.resume-window) and is being closed; what it said will be at GET /sessions/" + existing.id()
                    + "; start a new session with another session_id", false, 0);
        }
        if (existing.closing()) {
            throw ended(existing.id());
        }
        if (!existing.format().equals(settings.format())) {
            throw new SessionOpenException("invalid_config", "session " + existing.id() + " was started as "
                    + describe(existing) + "; a resume must use the same sample_rate, encoding and channels", false, 0);
        }
        existing.attach(listener, true);
        LOG.infof("session %s resumed", existing.id());
        return existing;
    }

    private AudioSession create(String id, StreamSettings settings, SessionListener listener, AudioSession.Start start) {
        AudioSession created = newSession(id, settings, start);
        sessions.put(id, created);
        created.attach(listener, false);
        return created;
    }

    private AudioSession newSession(String id, StreamSettings settings, AudioSession.Start start) {
        // interim results: asked for by the client, and not turned off for the server (interval 0)
        boolean interim = settings.interim() && interimIntervalSamples > 0;
        boolean wantSpeakers = settings.speakers() != null ? settings.speakers() : speakers.enabledByDefault();
        return new AudioSession(id, new StreamSettings(id, settings.format(), settings.language(),
                settings.vad(), interim, wantSpeakers), silero, scorer, sink, archive, this, executor, audio.maxBufferedBytes(),
                audio.maxSessionDuration().toSeconds(), config.maxUndeliveredEvents(), config.checkpointInterval(), start,
                interimIntervalSamples, wantSpeakers ? SpeakerStage.of(speakers, start.labelsBefore()) : SpeakerStage.off());
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
                } else if (s.detachedAtNanos() > 0 && now - s.detachedAtNanos() > resumeNanos && !s.closing()) {
                    // stays listed until it has ended, so its id cannot be reused while it finishes
                    LOG.infof("session %s: resume window over; closing its open speech, analysing and storing it", s.id());
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
     * Graceful shutdown: refuse new sessions; each open session stops taking audio, closes its open
     * speech and has it transcribed, and stores a checkpoint of everything it took (until
     * {@code deadline}); then its client is told to reconnect (another replica continues from that
     * checkpoint) and its socket closes.
     */
    public void drain(Instant deadline, long retryAfterMillis, Runnable beforeNotice) {
        draining = true;
        List<AudioSession> open = List.copyOf(sessions.values());
        LOG.infof("draining %d audio sessions", open.size());
        List<CompletableFuture<Void>> settled = new ArrayList<>();
        for (AudioSession s : open) {
            settled.add(s.cut().toCompletableFuture());
        }
        try {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, left), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warnf("drain: recognitions still running at the deadline; closing anyway");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
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
