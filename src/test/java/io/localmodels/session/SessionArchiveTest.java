package io.localmodels.session;

import io.localmodels.analysis.TranscriptLine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stalled store never makes the audio pipeline or an ASR worker wait, and never leaves a checkpoint ahead of the segments. */
class SessionArchiveTest {

    /** Records who wrote what; the first write waits until released (a database that stopped answering). */
    static class StalledStore implements SessionStore {
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> writes = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        private void record(String what) {
            threads.add(Thread.currentThread().getName());
            if (writes.isEmpty()) {
                writes.add(what);
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            writes.add(what);
        }

        public void started(String id, String language, Instant at) { record("started " + id); }
        public void segment(String id, TranscriptLine segment, Instant at) { record("segment " + id + " " + segment.segmentId()); }
        public void checkpoint(String id, AudioCheckpoint checkpoint, Instant at) { record("checkpoint " + id + " " + checkpoint.samples()); }
        public void finished(String id, FinalDocument document, Instant at) { record("finished " + id); }
        public Optional<StoredSession> find(String id) { return Optional.empty(); }
        public Page list(Instant since, String cursor, int limit) { return new Page(List.of(), null); }
        public boolean delete(String id) { return false; }
        public int purgeBefore(Instant cutoff) { return 0; }
        public long count() { return 0; }
    }

    @SuppressWarnings("unchecked")
    static <T> T config(Class<T> type, Map<String, Object> values) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            if (values.containsKey(method.getName())) {
                return values.get(method.getName());
            }
            throw new UnsupportedOperationException(method.getName());
        });
    }

    static SessionConfig sessionConfig(int writeQueue) {
        Path dir;
        try {
            dir = Files.createTempDirectory("archive-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return config(SessionConfig.class, Map.of("storeWriteQueue", writeQueue, "retention", Duration.ofDays(30), "dataDir", dir,
                "fsync", false, "storeBacklogMax", new MemorySize(BigInteger.valueOf(1 << 20)),
                "storeRetryMaxBackoff", Duration.ofSeconds(2), "resumeWindow", Duration.ofMinutes(2)));
    }

    private static Recognition segment(int id) {
        return new Recognition(id, id, id + 0.5, "texto " + id, "es", -0.2, 0.01, null, List.of());
    }

    private static AudioCheckpoint checkpoint(long samples) {
        return new AudioCheckpoint(16000, "pcm16", 1, samples, samples * 2, null, "0".repeat(64), "");
    }

    @Test
    void aFullWriteQueueDropsAndCountsInsteadOfRunningOnTheCallersThread() throws Exception {
        StalledStore store = new StalledStore();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SessionConfig sessions = sessionConfig(50);
        SessionArchive archive = new SessionArchive(store, null, sessions, meters);
        try {
            archive.checkpoint("a", checkpoint(16000), () -> { });      // the writer takes it and stalls
            for (int i = 1; i <= 80; i++) {
                archive.segment("a", segment(i), () -> { });            // 50 wait; 30 are dropped, here, at once
            }
            archive.checkpoint("a", checkpoint(32000), () -> { });      // would claim audio whose segments are not stored
            archive.segment("b", segment(1), () -> { });                // dropped too: the queue is still full
            assertEquals(31.0, meters.get("lma_session_store_writes_dropped_total").counter().count());
            assertEquals(50.0, meters.get("lma_session_store_queue_depth").gauge().value());
            store.release.countDown();
            archive.flush(Duration.ofSeconds(20));
            archive.checkpoint("a", checkpoint(48000), () -> { });      // the queue has room again, but "a" lost writes
            archive.segment("c", segment(1), () -> { });                // another session is stored as usual
            archive.flush(Duration.ofSeconds(20));
        } finally {
            archive.close();
        }
        assertTrue(store.threads.stream().allMatch(t -> t.equals("session-store-writer")),
                "every store call ran on the writer, none on the caller's thread: " + store.threads.stream().distinct().toList());
        assertEquals(52, store.writes.size(), store.writes.toString());
        assertEquals("checkpoint a 16000", store.writes.get(0));
        assertTrue(store.writes.stream().noneMatch(w -> w.startsWith("checkpoint a 32000") || w.startsWith("checkpoint a 48000")),
                "no checkpoint of a session after it lost a write: " + store.writes);
        assertEquals("segment c 1", store.writes.get(store.writes.size() - 1));
    }

    /** Records each retention sweep's cutoff and thread; the first sweep fails as a database that is down would. */
    static final class SweptStore extends StalledStore {
        final List<Instant> cutoffs = new CopyOnWriteArrayList<>();
        final List<String> sweepThreads = new CopyOnWriteArrayList<>();
        final CountDownLatch sweeps = new CountDownLatch(3);

        @Override
        public int purgeBefore(Instant cutoff) {
            sweepThreads.add(Thread.currentThread().getName());
            cutoffs.add(cutoff);
            sweeps.countDown();
            if (cutoffs.size() == 1) {
                throw new IllegalStateException("the database is down");
            }
            return 2;
        }
    }

    @Test
    void theRetentionSweepRunsOnItsScheduleWithTheRetentionCutoffAndOutlivesAFailure() throws Exception {
        SweptStore store = new SweptStore();
        Instant now = Instant.parse("2026-12-06T10:00:00Z");
        SessionConfig sessions = sessionConfig(50);
        SessionArchive archive = new SessionArchive(store, null, sessions, new SimpleMeterRegistry(),
                Clock.fixed(now, ZoneOffset.UTC), Duration.ofMillis(10), Duration.ofMillis(20));
        try {
            assertTrue(store.sweeps.await(30, TimeUnit.SECONDS), "three sweeps, the first of which failed");
            for (Instant cutoff : store.cutoffs) {
                assertEquals(Instant.parse("2026-11-06T10:00:00Z"), cutoff, "sessions untouched for 30 days go");
            }
            assertTrue(store.sweepThreads.stream().allMatch("session-retention"::equals), store.sweepThreads.toString());
        } finally {
            archive.close();
        }
        int after = store.cutoffs.size();
        Thread.sleep(100);
        assertEquals(after, store.cutoffs.size(), "no sweep after close");
    }
}
