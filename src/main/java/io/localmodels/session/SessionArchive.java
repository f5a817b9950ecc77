package io.localmodels.session;

import io.localmodels.analysis.AnalysisService;
import io.localmodels.analysis.TranscriptLine;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What happens to a session beyond its socket: segments go to the store as they are transcribed, the
 * end runs the analysis and stores the final document, retention deletes old sessions, and (only
 * when asked for) the decoded audio is kept. A store failure never stops a session, and a store that
 * cannot be reached loses nothing ({@link StoreWriter}: the writes wait in a local backlog).
 */
@Singleton
public class SessionArchive {

    private static final Logger LOG = Logger.getLogger(SessionArchive.class);

    private final SessionStore store;
    private final AnalysisService analysis;
    private final SessionConfig config;
    private final ScheduledExecutorService retention;
    private final Clock clock;
    private final StoreWriter writes;

    @Inject
    public SessionArchive(SessionStore store, AnalysisService analysis, SessionConfig config, MeterRegistry meters) {
        this(store, analysis, config, meters, Clock.systemUTC(), Duration.ofMinutes(1), Duration.ofHours(1));
    }

    /** With the retention sweep's clock and timing given (tests). */
    SessionArchive(SessionStore store, AnalysisService analysis, SessionConfig config, MeterRegistry meters, Clock clock,
                   Duration firstSweep, Duration sweepEvery) {
        this.clock = clock;
        this.store = store;
        this.analysis = analysis;
        this.config = config;
        meters.gauge("lma_sessions_stored", store, s -> {
            try {
                return s.count();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        });
        this.retention = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "session-retention");
            t.setDaemon(true);
            return t;
        });
        retention.scheduleWithFixedDelay(this::purge, firstSweep.toMillis(), sweepEvery.toMillis(), TimeUnit.MILLISECONDS);
        this.writes = new StoreWriter(store, new StoreBacklog(config.dataDir().resolve("store-backlog.jsonl"),
                config.storeBacklogMax().asLongValue(), config.fsync()), config, meters, retention);
    }

    /** Waits (up to {@code timeout}) until every store write queued so far is done (stored, or kept in the backlog). */
    public void flush(Duration timeout) {
        writes.flush(timeout);
    }

    void purge() {
        try {
            int n = store.purgeBefore(clock.instant().minus(config.retention()));
            if (n > 0) {
                LOG.infof("retention: deleted %d sessions older than %s", n, config.retention());
            }
        } catch (RuntimeException e) {
            LOG.warnf("retention sweep failed: %s", e.getMessage());
        }
    }

    /** {@code onDeferred}, here and below: runs when the write had to wait in the backlog (the store is unreachable). */
    void started(String id, String language, Runnable onDeferred) {
        writes.submit(new StoreWrite.Started(id, language, Instant.now()), onDeferred);
    }

    void segment(String id, Recognition r, Runnable onDeferred) {
        writes.submit(new StoreWrite.Segment(id, r.line(), Instant.now()), onDeferred);
    }

    void checkpoint(String id, AudioCheckpoint checkpoint, Runnable onDeferred) {
        writes.submit(new StoreWrite.Checkpoint(id, checkpoint, Instant.now()), onDeferred);
    }

    /**
     * What the store holds of a session that this process does not hold (its own sessions' writes may
     * still be queued). Blocking: never call it on an event loop.
     */
    Optional<SessionStore.StoredSession> stored(String id) {
        return writes.find(id);
    }

    /** The segment number a session continues at: after what the store already holds (another pod, an earlier run). */
    static int nextSegmentId(SessionStore.StoredSession s) {
        return s.segments().stream().mapToInt(TranscriptLine::segmentId).max().orElse(0) + 1;
    }

    /** The highest speaker number (Sn) the stored lines use; 0 when none. */
    static int labelsUsed(SessionStore.StoredSession s) {
        int most = 0;
        for (TranscriptLine l : s.segments()) {
            String label = l.speaker();
            if (label != null && label.matches("S\\d{1,6}")) {
                most = Math.max(most, Integer.parseInt(label.substring(1)));
            }
        }
        return most;
    }

    /** When a stored session that has not ended stops being resumable. */
    Instant resumableUntil(SessionStore.StoredSession s) {
        return s.updatedAt().plus(config.resumeWindow());
    }

    /** A session's final document, and whether it is in the store now (false: it waits in the backlog, or was lost: logged). */
    record Archived(FinalDocument document, boolean stored) {
    }

    /**
     * Runs the analysis off the caller's thread and stores the result; completes with the document
     * either way. The transcript is what the store holds for the session (earlier connections, other
     * replicas; {@code storedBefore} when the store cannot be read) merged with this process's, by
     * segment number.
     */
    CompletionStage<Archived> finish(String id, String language, List<Recognition> transcript, List<TranscriptLine> storedBefore) {
        return writes.afterQueued(() -> {
            TreeMap<Integer, TranscriptLine> merged = new TreeMap<>();
            try {
                writes.find(id).ifPresent(s -> s.segments().forEach(e -> merged.put(e.segmentId(), e)));
            } catch (RuntimeException e) {
                LOG.errorf("session %s: could not read its stored segments (%s); the document has those this process knows", id,
                        e.getMessage());
                storedBefore.forEach(e2 -> merged.put(e2.segmentId(), e2));
            }
            transcript.forEach(r -> merged.put(r.segmentId(), r.line()));
            return List.copyOf(merged.values());
        }).exceptionally(e -> {
            LOG.errorf("session %s: the session store is too far behind to read it: %s", id, e.getMessage());
            return transcript.stream().map(Recognition::line).toList();
        }).thenCompose(entries -> analyseAndStore(id, language, transcript, entries));
    }

    private CompletionStage<Archived> analyseAndStore(String id, String language, List<Recognition> transcript, List<TranscriptLine> entries) {
        List<TranscriptLine> lines = entries.stream().filter(e -> !e.text().isBlank()).toList();
        String lang = language == null || language.equals("auto")
                ? transcript.stream().map(Recognition::language).filter(l -> l != null).findFirst().orElse(null) : language;
        return analysis.analyse(lang, lines)
                .thenApply(outcome -> FinalDocument.of(id, lang, entries, outcome))
                .exceptionally(e -> {
                    LOG.errorf(e, "session %s: the analysis failed", id);
                    return FinalDocument.partial(id, lang, entries, "failed", e.toString());
                })
                .thenCompose(doc -> writes.finish(new StoreWrite.Finished(id, doc, Instant.now())).thenApply(stored -> new Archived(doc, stored)));
    }

    /** The stored document, or the transcript so far when the session has not ended (pending) or never will (incomplete). */
    public Optional<FinalDocument> document(String id, boolean live) {
        return writes.find(id).map(s -> s.document() != null ? s.document()
                : FinalDocument.partial(id, s.language(), s.segments(), live ? "pending" : "incomplete", live
                        ? "the session has not ended yet"
                        : resumableUntil(s).isAfter(Instant.now())
                        ? "the session has not ended and no server holds it now; it can be resumed with its session_id until "
                                + resumableUntil(s)
                        : "the session never ended: it was not resumed before its resume window closed at " + resumableUntil(s)));
    }

    public SessionStore.Page list(Instant since, String cursor, int limit) {
        return store.list(since, cursor, limit);
    }

    /** Deletes what is stored of the session, its kept audio included. */
    public boolean delete(String id) {
        boolean kept = writes.deferred(id);
        writes.forget(id);
        boolean removed = store.delete(id) || kept;
        try {
            removed |= Files.deleteIfExists(audioFile(id));
        } catch (IOException e) {
            LOG.errorf("session %s: could not delete its kept audio: %s", id, e.getMessage());
        }
        return removed;
    }

    boolean keepsAudio() {
        return config.keepAudio();
    }

    private Path audioFile(String id) {
        return config.dataDir().resolve("audio").resolve(id + ".pcm");
    }

    /** Appends decoded samples (16-bit little-endian, interleaved) when lma.session.keep-audio is on. */
    void audio(String id, short[] pcm) {
        if (!config.keepAudio()) {
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(pcm);
        try {
            Files.createDirectories(audioFile(id).getParent());
            try (FileChannel ch = FileChannel.open(audioFile(id), StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        } catch (IOException e) {
            LOG.errorf("session %s: could not keep audio: %s", id, e.getMessage());
        }
    }

    @PreDestroy
    void close() {
        retention.shutdownNow();
        writes.close();
        store.close();
    }
}
