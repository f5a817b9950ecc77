package io.localmodels.vision;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Photos run on their own small pool of threads, never the audio ones, behind a short bounded queue.
 * Per session the newest frame wins: a frame still waiting when a newer one of the same session
 * arrives is answered at once as {@code superseded}. Results stay fetchable for a while.
 */
@Singleton
public class VisionService {

    private static final Logger LOG = Logger.getLogger(VisionService.class);

    private final VisionConfig config;
    private final ImageDecoder decoder;
    private final YoloxDetector detector;
    private final VlmEngine vlm;
    private final MeterRegistry meters;
    private final Deque<Job> queue = new ArrayDeque<>();
    private final Map<String, Job> waitingBySession = new HashMap<>();
    private final LinkedHashMap<String, Stored> results = new LinkedHashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private final Counter superseded;
    private volatile boolean stopped;

    private record Stored(VisionResult result, long storedAtNanos) {
    }

    private static final class Job {
        final String frameId = UUID.randomUUID().toString();
        final VisionRequest request;
        final String mimeType;
        final long receivedNanos;
        final long enqueuedNanos = System.nanoTime();
        final CompletableFuture<VisionResult> done = new CompletableFuture<>();

        Job(VisionRequest request, String mimeType, long receivedNanos) {
            this.request = request;
            this.mimeType = mimeType;
            this.receivedNanos = receivedNanos;
        }
    }

    public VisionService(VisionConfig config, YoloxDetector detector, VlmEngine vlm, MeterRegistry meters) {
        this.config = config;
        this.vlm = vlm;
        // The detector letterboxes to 416 px; decoding more than ~2× that on the short side is wasted.
        this.decoder = new ImageDecoder(config.maxBytes(), config.maxPixels(), 2 * YoloxDetector.SIZE);
        this.detector = detector;
        this.meters = meters;
        this.superseded = Counter.builder("lma.vision.superseded").description("Frames answered as superseded by a newer one")
                .register(meters);
        Gauge.builder("lma.vision.queue.depth", this, s -> s.depth()).description("Frames waiting for a vision worker")
                .register(meters);
        for (int i = 0; i < Math.max(1, config.workers()); i++) {
            Thread t = new Thread(() -> {
                ThreadPriority.lower(config.nice());
                work();
            }, "vision-" + (i + 1));
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    private synchronized int depth() {
        return queue.size();
    }

    /**
     * Checks the image cheaply (size, type, header dimensions) on the caller's thread, queues it, and
     * completes when analysed or superseded. The pixels are decoded by the vision worker, so refused
     * and superseded frames cost no decode and photos never take more CPU than the vision workers.
     */
    public CompletionStage<VisionResult> submit(VisionRequest request) throws ImageRejectedException, VisionBusyException {
        long received = System.nanoTime();
        String type;
        try {
            type = decoder.inspect(request.image());
        } catch (ImageRejectedException e) {
            rejected(e.reason());
            throw e;
        }
        Job job = new Job(request, "image/" + type, received);
        Job replaced = null;
        synchronized (this) {
            if (request.sessionId() != null) {
                replaced = waitingBySession.remove(request.sessionId());
                if (replaced != null) {
                    queue.remove(replaced);
                }
            }
            if (queue.size() >= config.queueSize()) {
                if (replaced != null) {
                    queue.add(replaced);
                    waitingBySession.put(request.sessionId(), replaced);
                }
                rejected("queue_full");
                throw new VisionBusyException("the vision queue is full (" + config.queueSize()
                        + " frames waiting, lma.vision.queue-size); retry shortly");
            }
            queue.add(job);
            if (request.sessionId() != null) {
                waitingBySession.put(request.sessionId(), job);
            }
            notifyAll();
        }
        if (replaced != null) {
            superseded.increment();
            replaced.done.complete(store(new VisionResult(replaced.request.sessionId(), replaced.frameId,
                    VisionResult.SUPERSEDED, language(replaced.request), replaced.request.timestamp(), null, List.of(),
                    List.of(), List.of(), Map.of(), timings(replaced, System.nanoTime(), 0))));
        }
        return job.done;
    }

    private void rejected(String reason) {
        meters.counter("lma.vision.rejected", "reason", reason).increment();
    }

    private void work() {
        while (!stopped) {
            Job job;
            synchronized (this) {
                while (queue.isEmpty() && !stopped) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopped) {
                    return;
                }
                job = queue.poll();
                if (job.request.sessionId() != null) {
                    waitingBySession.remove(job.request.sessionId(), job);
                }
            }
            long started = System.nanoTime();
            try {
                DecodedImage image;
                try {
                    image = decoder.decode(job.request.image());
                } catch (ImageRejectedException e) {
                    rejected(e.reason());
                    job.done.completeExceptionally(e);
                    continue;
                }
                long decoded = System.nanoTime();
                meters.timer("lma.vision.seconds", "stage", "decode").record(decoded - started, TimeUnit.NANOSECONDS);
                List<Detection> detections = detector.detect(image);
                long inferred = System.nanoTime();
                meters.timer("lma.vision.seconds", "stage", "detect").record(inferred - decoded, TimeUnit.NANOSECONDS);
                String lang = language(job.request);
                List<Risk> risks = new ArrayList<>(HazardRules.assess(detections, lang));
                String description = VisionText.describe(detections, lang);
                Map<String, String> models = new LinkedHashMap<>();
                models.put("detector", detector.modelId());
                models.put("description", "template");
                if (vlm.configured()) {
                    long t = System.nanoTime();
                    Optional<VlmAnswer> answer = vlm.describe(job.request.image(), job.mimeType, lang, job.request.prompt());
                    meters.timer("lma.vision.seconds", "stage", "vlm").record(System.nanoTime() - t, TimeUnit.NANOSECONDS);
                    if (answer.isPresent()) {
                        description = answer.get().description();
                        risks.addAll(answer.get().risks());
                        models.put("description", "vlm");
                        models.put("vlm", vlm.model());
                    } else {
                        models.put("vlm", "unavailable: " + (vlm.lastError() == null ? "circuit open" : vlm.lastError()));
                    }
                }
                long done = System.nanoTime();
                VisionResult result = new VisionResult(job.request.sessionId(), job.frameId, VisionResult.OK, lang,
                        job.request.timestamp(), description,
                        detections.stream().map(d -> new VisionResult.DetectedObject(d.label(), d.score(), d.box())).toList(),
                        risks, HazardRules.suggestions(risks, lang), models, timings(job, started, done - started));
                meters.timer("lma.vision.seconds", "stage", "total").record(System.nanoTime() - job.receivedNanos,
                        TimeUnit.NANOSECONDS);
                job.done.complete(store(result));
            } catch (Exception e) {
                LOG.errorf(e, "frame %s failed", job.frameId);
                job.done.completeExceptionally(e);
            }
        }
    }

    private static VisionResult.Timings timings(Job job, long startedNanos, long inferenceNanos) {
        return new VisionResult.Timings(ms(startedNanos - job.enqueuedNanos), ms(inferenceNanos),
                ms(System.nanoTime() - job.receivedNanos));
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    private String language(VisionRequest r) {
        return r.language() == null || r.language().isBlank() ? config.defaultLanguage() : r.language();
    }

    private synchronized VisionResult store(VisionResult r) {
        evict();
        results.put(r.frameId(), new Stored(r, System.nanoTime()));
        return r;
    }

    private void evict() {
        long ttl = config.resultTtl().toNanos();
        long now = System.nanoTime();
        Iterator<Stored> it = results.values().iterator();
        while (it.hasNext()) {
            Stored s = it.next();
            if (results.size() >= config.resultMax() || now - s.storedAtNanos() > ttl) {
                it.remove();
            } else {
                break;
            }
        }
    }

    public synchronized Optional<VisionResult> result(String frameId) {
        evict();
        Stored s = results.get(frameId);
        return s == null ? Optional.empty() : Optional.of(s.result());
    }

    public synchronized List<VisionResult> sessionResults(String sessionId) {
        evict();
        return results.values().stream().map(Stored::result).filter(r -> sessionId.equals(r.sessionId())).toList();
    }

    @PreDestroy
    void stop() {
        stopped = true;
        synchronized (this) {
            notifyAll();
            queue.forEach(j -> j.done.completeExceptionally(new IllegalStateException("the service is shutting down")));
            queue.clear();
        }
        workers.forEach(Thread::interrupt);
    }
}
