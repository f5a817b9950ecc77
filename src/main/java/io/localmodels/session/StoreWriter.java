package io.localmodels.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every write to the session store, on one thread: ASR workers and the audio pipeline never wait on
 * the disk or the database, and a session's writes stay in order.
 * <ul>
 * <li>A store that is <em>down</em> (unreachable) loses nothing: the write goes to the {@link StoreBacklog}
 * (a local file), and so does every later write while the backlog is not empty, so order holds; the
 * backlog is replayed with a doubling wait (1 s up to lma.session.store-retry-max-backoff) until the
 * store takes it all. The session is told (its deferred callback) so its client can be.</li>
 * <li>A store that is <em>slow</em> (answers, late) holds lma.session.store-write-queue writes waiting;
 * past that segment and checkpoint writes are dropped and counted. A session that lost one stores no
 * further checkpoint (a resume after a crash must not skip audio whose segment is not stored); its
 * final document, built from memory, still holds every segment.</li>
 * </ul>
 */
final class StoreWriter {

    private static final Logger LOG = Logger.getLogger(StoreWriter.class);
    /** Above the limit, room for final documents (never dropped for a slow store); past it, execute throws. */
    private static final int FINISH_RESERVE = 1_000;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private final SessionStore store;
    private final StoreBacklog backlog;
    private final ScheduledExecutorService timer;
    private final Duration maxBackoff;
    private final ThreadPoolExecutor writer;
    private final int writeLimit;
    private final Set<String> degraded = ConcurrentHashMap.newKeySet();
    private final Counter dropped;
    private final Counter deferred;
    private final Counter replayed;
    private final Counter failed;
    /** Only touched on the writer thread. */
    private Duration backoff = FIRST_RETRY;
    private boolean retryScheduled;

    StoreWriter(SessionStore store, StoreBacklog backlog, SessionConfig config, MeterRegistry meters, ScheduledExecutorService timer) {
        this.store = store;
        this.backlog = backlog;
        this.timer = timer;
        this.maxBackoff = config.storeRetryMaxBackoff();
        this.writeLimit = Math.max(1, config.storeWriteQueue());
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(writeLimit + FINISH_RESERVE), r -> {
            Thread t = new Thread(r, "session-store-writer");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        this.dropped = Counter.builder("lma_session_store_writes_dropped_total")
                .description("store writes dropped: the store fell lma.session.store-write-queue writes behind, or the backlog was full")
                .register(meters);
        this.deferred = Counter.builder("lma_session_store_writes_deferred_total")
                .description("store writes kept in the local backlog because the store could not be reached").register(meters);
        this.replayed = Counter.builder("lma_session_store_writes_replayed_total")
                .description("backlog writes the store took once it was reachable again").register(meters);
        this.failed = Counter.builder("lma_session_store_writes_failed_total")
                .description("store writes the store refused for a reason other than being unreachable (logged)").register(meters);
        meters.gauge("lma_session_store_queue_depth", writer, w -> w.getQueue().size());
        meters.gauge("lma_session_store_backlog_writes", backlog, StoreBacklog::size);
        if (!backlog.isEmpty()) {
            writer.execute(this::replay);
        }
    }

    /**
     * Queues a write; {@code onDeferred} runs (on the writer thread) when it had to go to the backlog.
     * Dropped instead when the store is that far behind; a checkpoint of a session that lost a write is not stored.
     */
    void submit(StoreWrite w, Runnable onDeferred) {
        String id = w.sessionId();
        if (w instanceof StoreWrite.Checkpoint && degraded.contains(id)) {
            return;
        }
        if (writer.getQueue().size() >= writeLimit) {
            dropped.increment();
            if (degraded.add(id)) {
                LOG.warnf("session %s: the session store is %d writes behind; a %s write was dropped (counted in"
                        + " lma_session_store_writes_dropped_total; the final document still has every segment)", id, writeLimit,
                        w.getClass().getSimpleName());
            }
            return;
        }
        writer.execute(() -> {
            if (apply(w) == Outcome.KEPT) {
                onDeferred.run();
            }
        });
    }

    /** Stores a final document (never dropped for a slow store); completes with whether it reached the store now. */
    CompletableFuture<Boolean> finish(StoreWrite.Finished w) {
        try {
            return CompletableFuture.supplyAsync(() -> apply(w) == Outcome.STORED, writer)
                    .whenComplete((ok, e) -> degraded.remove(w.sessionId()))
                    .exceptionally(e -> {
                        LOG.errorf("session %s: its final document could not be stored or kept: %s", w.sessionId(), e.toString());
                        return false;
                    });
        } catch (RejectedExecutionException e) {
            degraded.remove(w.sessionId());
            LOG.errorf("session %s: the session store is %d writes behind; its final document is not stored", w.sessionId(),
                    writeLimit + FINISH_RESERVE);
            dropped.increment();
            return CompletableFuture.completedFuture(false);
        }
    }

    /** Runs {@code work} on the writer thread, after every write queued before it. */
    <T> CompletableFuture<T> afterQueued(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, writer);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private enum Outcome { STORED, KEPT, LOST }

    /** Stored now, kept in the backlog for later, or lost (logged, counted). */
    private Outcome apply(StoreWrite w) {
        if (backlog.isEmpty()) {
            try {
                w.applyTo(store);
                return Outcome.STORED;
            } catch (SessionStoreUnavailableException e) {
                LOG.warnf("session %s: the session store is unreachable (%s); its writes wait in the local backlog", w.sessionId(),
                        e.getMessage());
            } catch (RuntimeException e) {
                failed.increment();
                degraded.add(w.sessionId());
                LOG.errorf("session %s: the store refused a %s write: %s", w.sessionId(), w.getClass().getSimpleName(), e.getMessage());
                return Outcome.LOST;
            }
        }
        scheduleRetry();
        if (backlog.add(w)) {
            deferred.increment();
            return Outcome.KEPT;
        }
        dropped.increment();
        degraded.add(w.sessionId());
        LOG.errorf("session %s: the session store backlog is full (lma.session.store-backlog-max); a %s write is lost",
                w.sessionId(), w.getClass().getSimpleName());
        return Outcome.LOST;
    }

    private void scheduleRetry() {
        if (retryScheduled) {
            return;
        }
        retryScheduled = true;
        try {
            timer.schedule(() -> {
                try {
                    writer.execute(this::replay);
                } catch (RejectedExecutionException shutDown) {
                    // closing: the backlog stays on disk for the next start
                }
            }, backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shutDown) {
            retryScheduled = false;
        }
    }

    private void replay() {
        retryScheduled = false;
        StoreBacklog.Replay r = backlog.replay(store);
        replayed.increment(r.stored());
        failed.increment(r.failed());
        if (r.unavailable()) {
            backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            scheduleRetry();
        } else {
            if (r.stored() > 0) {
                LOG.infof("the session store is reachable again: %d kept writes stored", r.stored());
            }
            backoff = FIRST_RETRY;
        }
    }

    /** What the store holds of a session with the writes still kept for it applied; the kept final document alone when the store is down. */
    Optional<SessionStore.StoredSession> find(String id) {
        if (!backlog.holds(id)) {
            return store.find(id);
        }
        try {
            return backlog.over(id, store.find(id));
        } catch (SessionStoreUnavailableException e) {
            if (backlog.document(id).isPresent()) {
                return backlog.over(id, Optional.empty());
            }
            throw e;
        }
    }

    /** Whether writes of this session wait in the backlog (it is not all in the store yet). */
    boolean deferred(String id) {
        return backlog.holds(id);
    }

    /** Forgets a deleted session's kept writes. */
    void forget(String id) {
        backlog.remove(id);
    }

    /** Waits (up to {@code timeout}) until every write queued so far is done (stored or kept). */
    void flush(Duration timeout) {
        try {
            CompletableFuture.runAsync(() -> { }, writer).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("session store writes still pending after %s", timeout);
        }
    }

    void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("session store writes still pending at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!backlog.isEmpty()) {
            LOG.warnf("%d session store writes stay in the local backlog; the next start replays them", backlog.size());
        }
        backlog.close();
    }
}
