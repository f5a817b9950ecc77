package io.localmodels.vad;

import io.quarkus.runtime.Startup;
import io.vertx.core.Context;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the windows of many streams as batched Silero calls. Each inference thread takes what is
 * waiting (up to {@code lma.vad.max-batch} streams), runs one window of every stream per call, and
 * admits newcomers between calls. Under load the batches grow by themselves (one call of 8 windows
 * costs ~0.6 of 8 single calls here). A stream's consecutive windows never share a call: each
 * depends on the state the previous one left.
 *
 * <p>When no other stream is queued or being scored, and none had to queue in the last 50 ms, a
 * request runs at once on the caller's thread: a lone stream would only get batches of one from the
 * inference threads, and handing each window over and back costs about a fifth of the window's own
 * inference. Only one caller at a time takes that path; everyone arriving meanwhile queues, and
 * from then on requests batch as before until the contention has passed. An event-loop thread never
 * takes it (a whole file's windows would block the loop): its requests always go to the inference threads.
 */
@Startup
@Singleton
public class VadBatcher implements WindowScorer {

    private static final Logger LOG = Logger.getLogger(VadBatcher.class);
    /**
     * After a request had to queue, the idle path stays closed this long: with many sessions the gaps
     * between requests are short, and a window run alone on a session's thread in such a gap would
     * take a batch slot's work away from the inference threads and hold up that thread's other sessions.
     */
    static final long CONTENDED_NANOS = 50_000_000L;

    private final SileroVad vad;
    private final int maxBatch;
    private final BlockingQueue<Request> queue;
    private final List<Thread> threads = new ArrayList<>();
    /** Requests queued, in an inference thread's batch, or running on a caller's thread. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Until when the batcher counts as contended: a request had to queue less than {@link #CONTENDED_NANOS} ago. */
    private volatile long contendedUntil = System.nanoTime();
    /** Used only by the one caller that took the idle path (see {@link #scoreHere}). */
    private final SileroVad.Buffers callerBuffers = new SileroVad.Buffers(1);
    private volatile boolean stopped;

    private static final class Request {
        final SileroVad.State state;
        final float[] windows;
        final int count;
        final float[] probs;
        final CompletableFuture<float[]> done = new CompletableFuture<>();
        int next;

        Request(SileroVad.State state, float[] windows, int count) {
            this.state = state;
            this.windows = windows;
            this.count = count;
            this.probs = new float[count];
        }
    }

    public VadBatcher(SileroVad vad, VadConfig config) {
        this.vad = vad;
        this.maxBatch = config.maxBatch();
        // Each stream has at most one request waiting (its pipeline waits for the answer).
        this.queue = new LinkedBlockingQueue<>();
        int n = config.inferenceThreads().orElse(Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(this::loop, "vad-inference-" + (i + 1));
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    @Override
    public CompletionStage<float[]> score(SileroVad.State state, float[] windows, int count) {
        Request r = new Request(state, windows, count);
        if (count == 0) {
            r.done.complete(r.probs);
        } else if (stopped) {
            r.done.completeExceptionally(new IllegalStateException("the VAD is shutting down"));
        } else if (System.nanoTime() - contendedUntil > 0 && !Context.isOnEventLoopThread()
                && inFlight.compareAndSet(0, 1)) {
            try {
                scoreHere(r);
            } finally {
                inFlight.decrementAndGet();
            }
        } else {
            if (inFlight.getAndIncrement() > 0) {
                contendedUntil = System.nanoTime() + CONTENDED_NANOS;
            }
            queue.add(r);
        }
        return r.done;
    }

    /** The idle path: all of the request's windows, one call each, on this thread. */
    private void scoreHere(Request r) {
        List<SileroVad.State> states = List.of(r.state);
        List<float[]> windows = List.of(r.windows);
        int[] offsets = new int[1];
        float[] prob = new float[1];
        try {
            for (; r.next < r.count; r.next++) {
                offsets[0] = r.next * SileroVad.WINDOW;
                vad.run(states, windows, offsets, prob, callerBuffers);
                r.probs[r.next] = prob[0];
            }
            r.done.complete(r.probs);
        } catch (Exception e) {
            r.done.completeExceptionally(e);
        }
    }

    private void loop() {
        SileroVad.Buffers buffers = new SileroVad.Buffers(maxBatch);
        List<Request> active = new ArrayList<>(maxBatch);
        List<SileroVad.State> states = new ArrayList<>(maxBatch);
        List<float[]> windows = new ArrayList<>(maxBatch);
        int[] offsets = new int[maxBatch];
        float[] probs = new float[maxBatch];
        while (!stopped) {
            try {
                if (active.isEmpty()) {
                    active.add(queue.take());
                }
                queue.drainTo(active, maxBatch - active.size());
                states.clear();
                windows.clear();
                for (int b = 0; b < active.size(); b++) {
                    Request r = active.get(b);
                    states.add(r.state);
                    windows.add(r.windows);
                    offsets[b] = r.next * SileroVad.WINDOW;
                }
                try {
                    vad.run(states, windows, offsets, probs, buffers);
                } catch (Exception e) {
                    for (Request r : active) {
                        inFlight.decrementAndGet();
                        r.done.completeExceptionally(e);
                    }
                    active.clear();
                    continue;
                }
                for (int b = active.size() - 1; b >= 0; b--) {
                    Request r = active.get(b);
                    r.probs[r.next++] = probs[b];
                    if (r.next == r.count) {
                        active.remove(b);
                        inFlight.decrementAndGet();
                        r.done.complete(r.probs);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.error("VAD batch loop error", e);
            }
        }
        IllegalStateException gone = new IllegalStateException("the VAD stopped");
        active.forEach(r -> r.done.completeExceptionally(gone));
    }

    @PreDestroy
    void stop() {
        stopped = true;
        threads.forEach(Thread::interrupt);
        Request r;
        while ((r = queue.poll()) != null) {
            r.done.completeExceptionally(new IllegalStateException("the VAD stopped"));
        }
    }
}
