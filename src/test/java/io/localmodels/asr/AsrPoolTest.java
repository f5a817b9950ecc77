package io.localmodels.asr;

import com.fasterxml.jackson.databind.JsonNode;
import io.localmodels.testing.WhisperFixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleFunction;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool with the fixture engine: micro-batches requests that arrive together, and refuses beyond its queue. */
class AsrPoolTest {

    @Test
    void requestsArrivingWithinTheWindowRunAsOneBatchWithTheSameResults() throws Exception {
        WhisperFixtures.dir();
        try (WhisperEngine engine = WhisperTestModels.open("v2-merged", DecodingOptions.defaults().withMaxNewTokens(24))) {
            List<AsrRequest> requests = new ArrayList<>();
            for (JsonNode c : WhisperFixtures.goldens().path("cases")) {
                if (c.path("family").asText().equals("v2") && requests.size() < 6) {
                    requests.add(WhisperGoldenTest.request(c));
                }
            }
            List<AsrPool.BatchStats> batches = new CopyOnWriteArrayList<>();
            // a window far longer than the test: the batch goes when it is full (max-batch = 6), not when time runs out
            try (AsrPool pool = new AsrPool(engine::transcribe, 1, 16, Duration.ofSeconds(60), requests.size(), batches::add)) {
                List<CompletableFuture<Transcription>> futures = new ArrayList<>();
                for (AsrRequest r : requests) {
                    futures.add(pool.submit(r));
                }
                for (int i = 0; i < requests.size(); i++) {
                    Transcription pooled = futures.get(i).get(60, TimeUnit.SECONDS);
                    Transcription single = engine.transcribe(List.of(requests.get(i))).get(0);
                    assertArrayEquals(single.tokens(), pooled.tokens(), "request " + i);
                }
            }
            assertEquals(1, batches.size(), "one batch: " + batches);
            assertEquals(requests.size(), batches.get(0).size());
        }
    }

    /** An interim decode runs only on an idle pool: with every worker busy, or a regular request waiting, it is refused at once. */
    @Test
    void interimRequestsAreRefusedUnderLoadAndRunWhenIdle() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch taken = new CountDownLatch(1);
        List<Double> order = new CopyOnWriteArrayList<>();
        AsrPool.BatchRunner runner = batch -> {
            batch.forEach(r -> order.add(r.offsetSeconds()));
            taken.countDown();
            release.await(30, TimeUnit.SECONDS);
            return batch.stream().map(r -> new Transcription("en", 1, new int[0], List.of(), 0, 0, 0, null)).toList();
        };
        // offsetSeconds tells the requests apart: 0 the blocker, 1 regular, 2 interim
        DoubleFunction<AsrRequest> at = t -> new AsrRequest(new float[1600], "en", AsrRequest.Task.TRANSCRIBE, false, null, t);
        try (AsrPool pool = new AsrPool(runner, 1, 4, Duration.ZERO, 4, s -> { })) {
            CompletableFuture<Transcription> blocker = pool.submit(at.apply(0));
            assertTrue(taken.await(10, TimeUnit.SECONDS));
            assertThrows(AsrBusyException.class, () -> pool.submitInterim(at.apply(9)), "the only worker is busy");
            CompletableFuture<Transcription> regular = pool.submit(at.apply(1));
            assertThrows(AsrBusyException.class, () -> pool.submitInterim(at.apply(9)), "a regular request waits");
            release.countDown();
            CompletableFuture.allOf(blocker, regular).get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.queued() == 0);
            // idle again: taken, and run on its own
            Thread.sleep(100);
            pool.submitInterim(at.apply(2)).get(30, TimeUnit.SECONDS);
        }
        assertEquals(List.of(0.0, 1.0, 2.0), order);
    }

    /**
     * A pool that has been busy for more than half of the last seconds takes no interim decode, even
     * at an idle moment; once the load has passed, it does again. Busy for 4.8 s straight, the
     * average is 1 - exp(-4.8 / 5) = 0.62; two idle seconds later 0.62 × exp(-0.4) = 0.41.
     */
    @Test
    void interimRequestsWaitUntilTheRecentLoadHasPassed() throws Exception {
        AsrPool.BatchRunner slow = batch -> {
            Thread.sleep(400);
            return batch.stream().map(r -> new Transcription("en", 1, new int[0], List.of(), 0, 0, 0, null)).toList();
        };
        AsrRequest r = new AsrRequest(new float[1600], "en", AsrRequest.Task.TRANSCRIBE, false, null, 0);
        try (AsrPool pool = new AsrPool(slow, 1, 16, Duration.ZERO, 1, s -> { })) {
            List<CompletableFuture<Transcription>> load = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                load.add(pool.submit(r));
            }
            CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            Thread.sleep(50);
            assertTrue(pool.utilisation(System.nanoTime()) > 0.5, "recent load " + pool.utilisation(System.nanoTime()));
            assertThrows(AsrBusyException.class, () -> pool.submitInterim(r), "idle now, but busy most of the last seconds");
            Thread.sleep(2000);
            pool.submitInterim(r).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFullQueueRefusesInsteadOfGrowing() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch taken = new CountDownLatch(1);
        AsrPool.BatchRunner blocked = batch -> {
            taken.countDown();
            release.await(30, TimeUnit.SECONDS);
            return batch.stream().map(r -> new Transcription("en", 1, new int[0], List.of(), 0, 0, 0, null)).toList();
        };
        try (AsrPool pool = new AsrPool(blocked, 1, 2, Duration.ZERO, 1, s -> { })) {
            AsrRequest r = new AsrRequest(new float[16000], "en", AsrRequest.Task.TRANSCRIBE, false, null, 0);
            List<CompletableFuture<Transcription>> accepted = new ArrayList<>();
            accepted.add(pool.submit(r));
            // the worker takes the first and holds it: the queue's two places are free
            assertTrue(taken.await(30, TimeUnit.SECONDS), "the worker took the first request");
            assertEquals(0, pool.queued());
            accepted.add(pool.submit(r));
            accepted.add(pool.submit(r));
            AsrBusyException busy = assertThrows(AsrBusyException.class, () -> pool.submit(r));
            assertTrue(busy.getMessage().contains("queue-capacity"), busy.getMessage());
            release.countDown();
            for (CompletableFuture<Transcription> f : accepted) {
                assertEquals("en", f.get(10, TimeUnit.SECONDS).language(), "accepted work is not lost");
            }
        }
    }
}
