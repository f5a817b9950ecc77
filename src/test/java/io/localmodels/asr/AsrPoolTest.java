package io.localmodels.asr;

import io.localmodels.testing.WhisperFixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
            for (com.fasterxml.jackson.databind.JsonNode c : WhisperFixtures.goldens().path("cases")) {
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

    /** An interim decode waits behind every regular request, and is refused (not queued) beyond its few places. */
    @Test
    void interimRequestsRunOnlyWhenNoRegularOneWaits() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch taken = new CountDownLatch(1);
        List<Double> order = new CopyOnWriteArrayList<>();
        AsrPool.BatchRunner runner = batch -> {
            batch.forEach(r -> order.add(r.offsetSeconds()));
            taken.countDown();
            release.await(30, TimeUnit.SECONDS);
            return batch.stream().map(r -> new Transcription("en", 1, new int[0], List.of(), 0, 0, 0, null)).toList();
        };
        // offsetSeconds tells the requests apart: 0 the blocker, 1 and 2 interim, 3 regular
        java.util.function.DoubleFunction<AsrRequest> at = t -> new AsrRequest(new float[1600], "en", AsrRequest.Task.TRANSCRIBE, false, null, t);
        try (AsrPool pool = new AsrPool(runner, 1, 4, Duration.ZERO, 1, s -> { })) {
            CompletableFuture<Transcription> blocker = pool.submit(at.apply(0));
            assertTrue(taken.await(10, TimeUnit.SECONDS));
            CompletableFuture<Transcription> interim1 = pool.submitInterim(at.apply(1));
            CompletableFuture<Transcription> interim2 = pool.submitInterim(at.apply(2));
            // one worker, batch size 1: the interim queue holds max(2, 1 × 1) = 2
            assertThrows(AsrBusyException.class, () -> pool.submitInterim(at.apply(9)));
            CompletableFuture<Transcription> regular = pool.submit(at.apply(3));
            release.countDown();
            CompletableFuture.allOf(blocker, interim1, interim2, regular).get(30, TimeUnit.SECONDS);
        }
        assertEquals(List.of(0.0, 3.0, 1.0, 2.0), order, "the regular request overtakes the interim ones queued before it");
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
