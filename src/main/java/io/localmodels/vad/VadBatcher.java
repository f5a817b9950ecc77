package io.localmodels.vad;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Runs the windows of many streams as batched Silero calls. Each inference thread takes what is
 * waiting (up to {@code lma.vad.max-batch} streams), runs one window of every stream per call, and
 * admits newcomers between calls. An idle service runs batches of one with no added wait; under
 * load the batches grow by themselves (one call of 8 windows costs ~0.6 of 8 single calls here).
 * A stream's consecutive windows never share a call: each depends on the state the previous one left.
 */
@Startup
@Singleton
public class VadBatcher implements WindowScorer {

    private static final Logger LOG = Logger.getLogger(VadBatcher.class);

    private final SileroVad vad;
    private final int maxBatch;
    private final BlockingQueue<Request> queue;
    private final List<Thread> threads = new ArrayList<>();
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
        } else {
            queue.add(r);
        }
        return r.done;
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
