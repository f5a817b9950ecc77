package io.localmodels.session;

import io.localmodels.analysis.AnalysisService;
import io.localmodels.analysis.TranscriptLine;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What happens to a session beyond its socket: segments go to the store as they are transcribed, the
 * end runs the analysis and stores the final document, retention deletes old sessions, and (only
 * when asked for) the decoded audio is kept. A store failure is logged and never stops a session.
 */
@Singleton
public class SessionArchive {

    private static final Logger LOG = Logger.getLogger(SessionArchive.class);

    private final SessionStore store;
    private final AnalysisService analysis;
    private final SessionConfig config;
    private final ScheduledExecutorService retention;
    private final java.time.Clock clock;
    // All store writes go through one thread: ASR workers and the audio pipeline never wait on the
    // disk or the database, and a session's writes stay in order (the final read sees every segment).
    // When the store stalls and lma.session.store-write-queue writes wait, later segment and checkpoint
    // writes are dropped and counted instead of running on the caller's thread; a session that lost
    // one stores no further checkpoint (a resume after a crash must not skip audio whose segment is not
    // stored) and its final document, built from memory, still holds every segment.
    private static final int FINISH_RESERVE = 1_000;
    private final java.util.concurrent.ThreadPoolExecutor writer;
    private final int writeLimit;
    private final java.util.Set<String> degraded = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final io.micrometer.core.instrument.Counter dropped;

    @jakarta.inject.Inject
    public SessionArchive(SessionStore store, AnalysisService analysis, SessionConfig config, MeterRegistry meters) {
        this(store, analysis, config, meters, java.time.Clock.systemUTC(), java.time.Duration.ofMinutes(1), java.time.Duration.ofHours(1));
    }

    /** With the retention sweep's clock and timing given (tests). */
    SessionArchive(SessionStore store, AnalysisService analysis, SessionConfig config, MeterRegistry meters, java.time.Clock clock,
                   java.time.Duration firstSweep, java.time.Duration sweepEvery) {
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
        this.writeLimit = Math.max(1, config.storeWriteQueue());
        // the reserve above the limit is for finishing sessions (never dropped); past it, execute throws
        this.writer = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(writeLimit + FINISH_RESERVE), r -> {
            Thread t = new Thread(r, "session-store-writer");
            t.setDaemon(true);
            return t;
        }, new java.util.concurrent.ThreadPoolExecutor.AbortPolicy());
        this.dropped = io.micrometer.core.instrument.Counter.builder("lma_session_store_writes_dropped_total")
                .description("segment/checkpoint writes dropped because the session store fell behind").register(meters);
        meters.gauge("lma_session_store_queue_depth", writer, w -> w.getQueue().size());
    }

    /** Waits (up to {@code timeout}) until every store write queued so far is done. */
    public void flush(java.time.Duration timeout) {
        try {
            java.util.concurrent.CompletableFuture.runAsync(() -> { }, writer).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("session store writes still pending after %s", timeout);
        }
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

    void started(String id, String language) {
        write(id, "record its start", at -> store.started(id, language, at));
    }

    void segment(String id, Recognition r) {
        write(id, "store segment " + r.segmentId(), at -> store.segment(id, r.line(), at));
    }

    void checkpoint(String id, AudioCheckpoint checkpoint) {
        if (degraded.contains(id)) {
            return;  // a write of this session was dropped: its stored checkpoint stays where everything is stored
        }
        write(id, "store its audio checkpoint", at -> store.checkpoint(id, checkpoint, at));
    }

    /** Queues one store write, stamped now; a failure is logged, never thrown at the session. */
    private void write(String id, String what, java.util.function.Consumer<Instant> write) {
        Instant at = Instant.now();
        if (writer.getQueue().size() >= writeLimit) {
            dropped.increment();
            if (degraded.add(id)) {
                LOG.warnf("session %s: the session store is %d writes behind; could not %s (dropped, counted in"
                        + " lma_session_store_writes_dropped_total; the final document still has every segment)", id, writeLimit, what);
            }
            return;
        }
        writer.execute(() -> {
            try {
                write.accept(at);
            } catch (RuntimeException e) {
                LOG.errorf("session %s: could not %s: %s", id, what, e.getMessage());
            }
        });
    }

    /**
     * What the store holds of a session that this process does not hold (its own sessions' writes may
     * still be queued). Blocking: never call it on an event loop.
     */
    Optional<SessionStore.StoredSession> stored(String id) {
        return store.find(id);
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

    /**
     * Runs the analysis off the caller's thread and stores the result; completes with the document
     * either way. The transcript is what the store holds for the session (earlier connections, other
     * replicas) merged with this process's, by segment number.
     */
    CompletionStage<FinalDocument> finish(String id, String language, List<Recognition> transcript) {
        try {
            return finishQueued(id, language, transcript).whenComplete((d, e) -> degraded.remove(id));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            degraded.remove(id);
            List<TranscriptLine> entries = transcript.stream().map(Recognition::line).toList();
            LOG.errorf("session %s: the session store is %d writes behind; its final document is not stored", id, writeLimit + FINISH_RESERVE);
            return java.util.concurrent.CompletableFuture.completedFuture(
                    FinalDocument.partial(id, language, entries, "failed", "the session store is too far behind"));
        }
    }

    private CompletionStage<FinalDocument> finishQueued(String id, String language, List<Recognition> transcript) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            java.util.TreeMap<Integer, TranscriptLine> merged = new java.util.TreeMap<>();
            try {
                store.find(id).ifPresent(s -> s.segments().forEach(e -> merged.put(e.segmentId(), e)));
            } catch (RuntimeException e) {
                LOG.errorf("session %s: could not read its stored segments: %s", id, e.getMessage());
            }
            transcript.forEach(r -> merged.put(r.segmentId(), r.line()));
            return List.copyOf(merged.values());
        }, writer).thenCompose(entries -> finish(id, language, transcript, entries));
    }

    private CompletionStage<FinalDocument> finish(String id, String language, List<Recognition> transcript, List<TranscriptLine> entries) {
        List<TranscriptLine> lines = entries.stream().filter(e -> !e.text().isBlank()).toList();
        String lang = language == null || language.equals("auto")
                ? transcript.stream().map(Recognition::language).filter(l -> l != null).findFirst().orElse(null) : language;
        return analysis.analyse(lang, lines).thenApplyAsync(outcome -> {
            FinalDocument doc = FinalDocument.of(id, lang, entries, outcome);
            try {
                store.finished(id, doc, Instant.now());
            } catch (RuntimeException e) {
                LOG.errorf("session %s: could not store its final document: %s", id, e.getMessage());
            }
            return doc;
        }, writer).exceptionally(e -> {
            LOG.errorf(e, "session %s: finishing failed", id);
            return FinalDocument.partial(id, lang, entries, "failed", e.toString());
        });
    }

    /** The stored document, or the transcript so far when the session has not ended (pending) or never will (incomplete). */
    public Optional<FinalDocument> document(String id, boolean live) {
        return store.find(id).map(s -> s.document() != null ? s.document()
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
        boolean removed = store.delete(id);
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
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("session store writes still pending at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
