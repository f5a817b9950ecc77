package io.localmodels.asr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The bounded pool every ASR run goes through: a fixed queue (full → {@link AsrBusyException}, never
 * an unbounded backlog) and worker threads that take the first waiting request, wait up to the batch
 * window for more (up to the batch size), and run them as one batch.
 */
public final class AsrPool implements AutoCloseable {

    /** Runs one batch; answers one result per request, in order. */
    @FunctionalInterface
    public interface BatchRunner {
        List<Transcription> run(List<AsrRequest> batch) throws Exception;
    }

    /** What a finished batch reports (for metrics). */
    public record BatchStats(int size, long queuedNanos, long runNanos) {
    }

    private record Job(AsrRequest request, CompletableFuture<Transcription> result, long enqueuedNanos) {
    }

    private final BlockingQueue<Job> queue;
    /** Interim decodes: taken only when no other request waits, and refused (not queued) when full. */
    private final BlockingQueue<Job> interim;
    private final BatchRunner runner;
    private final long windowNanos;
    private final int maxBatch;
    private final Consumer<BatchStats> stats;
    private final List<Thread> workers = new ArrayList<>();
    /** Interim decodes stop above this share of the workers' time (the finals' load alone leaves too little room). */
    static final double MAX_INTERIM_UTILISATION = 0.5;
    /** The time constant of the busy-time average, in nanoseconds. */
    private static final double LOAD_TAU_NANOS = 5e9;
    /** Batch time, decayed by exp(-age / tau): divided by tau and the workers, the recent share of time spent running. */
    private double decayedBusyNanos;
    private long decayedAtNanos = System.nanoTime();
    /** Workers running a batch now. */
    private final AtomicInteger busy = new AtomicInteger();
    private volatile boolean closed;

    public AsrPool(BatchRunner runner, int workers, int queueCapacity, Duration batchWindow, int maxBatch, Consumer<BatchStats> stats) {
        if (workers < 1 || queueCapacity < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("workers, queue capacity and batch size must be at least 1");
        }
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.interim = new ArrayBlockingQueue<>(Math.max(2, workers * maxBatch));
        this.runner = runner;
        this.windowNanos = batchWindow.toNanos();
        this.maxBatch = maxBatch;
        this.stats = stats;
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::work, "asr-worker-" + i);
            t.setDaemon(true);
            this.workers.add(t);
            t.start();
        }
    }

    public CompletableFuture<Transcription> submit(AsrRequest request) {
        if (closed) {
            throw new AsrUnavailableException("speech recognition is shutting down");
        }
        CompletableFuture<Transcription> f = new CompletableFuture<>();
        if (!queue.offer(new Job(request, f, System.nanoTime()))) {
            throw new AsrBusyException("speech recognition queue is full (" + (queue.size()) + " waiting; lma.asr.queue-capacity)");
        }
        return f;
    }

    /**
     * A low-priority request (an interim decode of speech still going on): it runs alone, only when no
     * regular request waits. Throws {@link AsrBusyException} at once under load (a regular request
     * waiting, every worker busy) or when the few places it may take are taken.
     */
    public CompletableFuture<Transcription> submitInterim(AsrRequest request) {
        if (closed) {
            throw new AsrUnavailableException("speech recognition is shutting down");
        }
        // under load it is dropped at once: a regular request waits, every worker is busy, or the
        // workers were busy for more than half of the last few seconds
        if (!queue.isEmpty() || busy.get() >= workers.size() || utilisation(System.nanoTime()) > MAX_INTERIM_UTILISATION) {
            throw new AsrBusyException("speech recognition is busy; the interim decode is skipped");
        }
        CompletableFuture<Transcription> f = new CompletableFuture<>();
        if (!interim.offer(new Job(request, f, System.nanoTime()))) {
            throw new AsrBusyException("interim decodes are all taken");
        }
        return f;
    }

    public int queued() {
        return queue.size();
    }

    private void work() {
        List<Job> batch = new ArrayList<>(maxBatch);
        while (!closed) {
            try {
                // regular requests first; an interim one only when none waits, and alone, so that a
                // regular request arriving meanwhile waits for one short decode at most
                Job first = queue.poll();
                if (first == null) {
                    Job alone = interim.poll();
                    if (alone != null) {
                        batch.add(alone);
                        run(batch);
                        continue;
                    }
                    first = queue.poll(20, TimeUnit.MILLISECONDS);
                }
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + windowNanos;
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Job next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                for (Job j : batch) {
                    j.result().completeExceptionally(new AsrUnavailableException("speech recognition stopped"));
                }
                batch.clear();
            }
        }
    }

    private void run(List<Job> batch) {
        busy.incrementAndGet();
        long start = System.nanoTime();
        try {
            runBatch(batch);
        } finally {
            busy.decrementAndGet();
            long end = System.nanoTime();
            synchronized (this) {
                decayedBusyNanos = decayedBusyNanos * Math.exp(-(end - decayedAtNanos) / LOAD_TAU_NANOS) + (end - start);
                decayedAtNanos = end;
            }
        }
    }

    /** The workers' recent share of time spent running batches (an exponential average over about five seconds). */
    synchronized double utilisation(long now) {
        return decayedBusyNanos * Math.exp(-(now - decayedAtNanos) / LOAD_TAU_NANOS) / LOAD_TAU_NANOS / workers.size();
    }

    private void runBatch(List<Job> batch) {
        long start = System.nanoTime();
        try {
            List<Transcription> results = runner.run(batch.stream().map(Job::request).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        } catch (Throwable e) {
            batch.forEach(j -> j.result().completeExceptionally(e));
        }
        long end = System.nanoTime();
        long queued = batch.stream().mapToLong(j -> start - j.enqueuedNanos()).max().orElse(0);
        stats.accept(new BatchStats(batch.size(), queued, end - start));
    }

    @Override
    public void close() {
        closed = true;
        workers.forEach(Thread::interrupt);
        // A batch in flight finishes before the engine (and its native sessions) can be closed.
        for (Thread t : workers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Job j;
        while ((j = queue.poll()) != null || (j = interim.poll()) != null) {
            j.result().completeExceptionally(new AsrUnavailableException("speech recognition is shutting down"));
        }
    }
}
