package io.localmodels.session;

import io.localmodels.analysis.AnalysisConfig;
import io.localmodels.analysis.AnalysisService;
import io.localmodels.analysis.TranscriptLine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Store writes made while the store is unreachable wait in a local file, survive a restart, reach the store
 * in order once it is back, and a deleted session's kept writes are gone from the file.
 */
class StoreBacklogTest {

    /** The embedded journal behind a switch that makes every call fail as an unreachable PostgreSQL does. */
    static final class OutageStore implements SessionStore {
        final JournalSessionStore real;
        volatile boolean down;

        OutageStore(Path dir) {
            real = new JournalSessionStore(dir, false);
        }

        private void reach() {
            if (down) {
                throw new SessionStoreUnavailableException("session store (test) unreachable", null);
            }
        }

        public void started(String id, String language, Instant at) { reach(); real.started(id, language, at); }
        public void segment(String id, TranscriptLine segment, Instant at) { reach(); real.segment(id, segment, at); }
        public void checkpoint(String id, AudioCheckpoint checkpoint, Instant at) { reach(); real.checkpoint(id, checkpoint, at); }
        public void finished(String id, FinalDocument document, Instant at) { reach(); real.finished(id, document, at); }
        public Optional<StoredSession> find(String id) { reach(); return real.find(id); }
        public Page list(Instant since, String cursor, int limit) { reach(); return real.list(since, cursor, limit); }
        public boolean delete(String id) { reach(); return real.delete(id); }
        public int purgeBefore(Instant cutoff) { reach(); return real.purgeBefore(cutoff); }
        public long count() { reach(); return real.count(); }
    }

    private static Recognition line(int id) {
        return new Recognition(id, id, id + 0.5, "línea " + id, "es", -0.2, 0.01, "S1", List.of());
    }

    private static AudioCheckpoint checkpoint(long samples) {
        return new AudioCheckpoint(16000, "pcm16", 1, samples, samples * 2, null, "0".repeat(64), "");
    }

    private static SessionArchive archive(SessionStore store, SessionConfig config, SimpleMeterRegistry meters) {
        AnalysisConfig engineNone = SessionArchiveTest.config(AnalysisConfig.class, Map.of("engine", AnalysisConfig.Engine.NONE,
                "baseUrl", Optional.empty(), "workers", 1, "queueCapacity", 10));
        return new SessionArchive(store, new AnalysisService(engineNone, null, meters), config, meters, Clock.systemUTC(), Duration.ofHours(1), Duration.ofHours(1));
    }

    @Test
    void writesDuringAnOutageOutliveARestartAndReachTheStoreInOrder() throws Exception {
        SessionConfig config = SessionArchiveTest.sessionConfig(100);
        OutageStore store = new OutageStore(config.dataDir());
        Path file = config.dataDir().resolve("store-backlog.jsonl");
        store.down = true;
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SessionArchive first = archive(store, config, meters);
        AtomicInteger told = new AtomicInteger();
        first.started("s", "es", told::incrementAndGet);
        first.checkpoint("s", checkpoint(16000), told::incrementAndGet);
        for (int i = 1; i <= 5; i++) {
            first.segment("s", line(i), told::incrementAndGet);
        }
        first.checkpoint("s", checkpoint(96000), told::incrementAndGet);
        SessionArchive.Archived done = first.finish("s", "es", List.of(line(1), line(2), line(3), line(4), line(5)), List.of())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertFalse(done.stored(), "the final document could not be stored");
        assertEquals(5, done.document().transcript().size());
        assertEquals(8, told.get(), "each write that had to wait was reported to the session");
        assertEquals(9.0, meters.get("lma_session_store_writes_deferred_total").counter().count());
        // ended, though the store does not know it yet: the kept document answers for it
        SessionStore.StoredSession seen = first.stored("s").orElseThrow();
        assertNotNull(seen.document(), "a session whose end waits in the backlog is ended");
        assertEquals(5, seen.segments().size());
        assertEquals(5, first.document("s", false).orElseThrow().transcript().size());
        first.close();
        assertTrue(Files.readString(file, StandardCharsets.UTF_8).lines().count() >= 9, "the kept writes are on disk");

        // the next process, the store still down for a moment, then back
        SimpleMeterRegistry again = new SimpleMeterRegistry();
        SessionArchive second = archive(store, config, again);
        try {
            assertNotNull(second.stored("s").orElseThrow().document(), "a restart still knows the session ended");
            store.down = false;
            await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(file));
            assertEquals(9.0, again.get("lma_session_store_writes_replayed_total").counter().count());
            SessionStore.StoredSession stored = store.real.find("s").orElseThrow();
            assertEquals(List.of(1, 2, 3, 4, 5), stored.segments().stream().map(TranscriptLine::segmentId).toList());
            assertEquals(96000, stored.checkpoint().samples(), "the later checkpoint was replayed after the earlier one");
            assertNotNull(stored.document(), "the final document reached the store");
            assertEquals("es", stored.language());
        } finally {
            second.close();
        }
    }

    @Test
    void aSessionDeletedWhileItsWritesWaitLeavesNothingBehind() throws Exception {
        SessionConfig config = SessionArchiveTest.sessionConfig(100);
        OutageStore store = new OutageStore(config.dataDir());
        Path file = config.dataDir().resolve("store-backlog.jsonl");
        SessionArchive archive = archive(store, config, new SimpleMeterRegistry());
        try {
            store.down = true;
            archive.started("gone", "es", () -> { });
            archive.segment("gone", line(1), () -> { });
            archive.started("kept", "es", () -> { });
            archive.segment("kept", line(1), () -> { });
            archive.flush(Duration.ofSeconds(10));
            assertTrue(Files.readString(file).contains("línea 1"));
            // the database delete fails while it is down: the client gets 503, but the kept writes are already gone
            assertThrows(SessionStoreUnavailableException.class, () -> archive.delete("gone"));
            assertFalse(Files.readString(file).contains("\"gone\""), "a deleted session's text does not linger in the backlog");
            store.down = false;
            await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(file));
            assertTrue(store.real.find("gone").isEmpty(), "nothing of the deleted session was replayed");
            assertEquals(1, store.real.find("kept").orElseThrow().segments().size());
        } finally {
            archive.close();
        }
    }

    @Test
    void aSecondOwnerOfTheSameBacklogIsRefusedUntilTheFirstLetsGo() throws Exception {
        Path file = Files.createTempDirectory("backlog").resolve("b.jsonl");
        StoreBacklog first = new StoreBacklog(file, 1 << 20, false);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new StoreBacklog(file, 1 << 20, false));
        assertTrue(e.getMessage().contains("lma.session.data-dir"), e.getMessage());
        first.close();
        new StoreBacklog(file, 1 << 20, false).close();
    }

    @Test
    void aFullBacklogRefusesAndCountsInsteadOfFillingTheDisk() throws Exception {
        Path dir = Files.createTempDirectory("backlog");
        StoreBacklog backlog = new StoreBacklog(dir.resolve("b.jsonl"), 4096, false);
        int kept = 0;
        for (int i = 1; i <= 100; i++) {
            if (backlog.add(new StoreWrite.Segment("s", line(i).line(), Instant.now()))) {
                kept++;
            }
        }
        assertTrue(kept > 5 && kept < 100, "some fit, the rest were refused: " + kept);
        assertTrue(Files.size(dir.resolve("b.jsonl")) <= 4096);
        assertEquals(kept, backlog.size());
        backlog.close();
    }

    @Test
    void aTornLastLineIsSkippedWhenTheBacklogIsReadBack() throws Exception {
        Path dir = Files.createTempDirectory("backlog");
        Path file = dir.resolve("b.jsonl");
        StoreBacklog first = new StoreBacklog(file, 1 << 20, false);
        first.add(new StoreWrite.Started("s", "en", Instant.parse("2026-12-07T10:00:00Z")));
        first.add(new StoreWrite.Segment("s", line(1).line(), Instant.parse("2026-12-07T10:00:01Z")));
        first.close();
        Files.writeString(file, "{\"session_id\":\"s\",\"at\":17", StandardOpenOption.APPEND);
        StoreBacklog second = new StoreBacklog(file, 1 << 20, false);
        assertEquals(2, second.size());
        SessionStore.StoredSession s = second.over("s", Optional.empty()).orElseThrow();
        assertEquals("en", s.language());
        assertEquals(Instant.parse("2026-12-07T10:00:00Z"), s.createdAt());
        assertEquals(1, s.segments().size());
        second.close();
    }
}
