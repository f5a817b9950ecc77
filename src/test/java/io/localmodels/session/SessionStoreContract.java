package io.localmodels.session;

import io.localmodels.analysis.TranscriptLine;

import io.localmodels.analysis.ActionItem;
import io.localmodels.analysis.AnalysisOutcome;
import io.localmodels.analysis.AnalysisStatus;
import io.localmodels.analysis.SessionAnalysis;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every session store must do; each implementation runs these against the real thing. */
abstract class SessionStoreContract {

    /** A fresh, empty store. */
    abstract SessionStore store();

    /** A new instance over the same data, as after a restart. */
    abstract SessionStore reopen();

    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    static FinalDocument document(String id, List<TranscriptLine> transcript) {
        SessionAnalysis a = new SessionAnalysis("Se acordó revisar el módulo de pagos.",
                List.of(new ActionItem("Revisar pagos", "Antes del viernes", List.of("Paso 1: leer", "Paso 2: probar"), List.of(1, 2))),
                List.of("Plazo ajustado"), List.of("Usar la API nueva"), List.of("¿Quién lo prueba?"));
        return FinalDocument.of(id, "es", transcript, new AnalysisOutcome(a, new AnalysisStatus("ok", "openai", "qwen", null)));
    }

    @Test
    void segmentsAndTheFinalDocumentComeBackAsStored() {
        SessionStore s = store();
        s.started("a-1", "es", T0);
        List<TranscriptLine> segs = List.of(new TranscriptLine(1, "S1", 0.5, 2.25, "Hola, ¿qué tal?"),
                new TranscriptLine(2, "S1", 3.0, 5.5, "Revisemos el módulo de pagos."));
        s.segment("a-1", segs.get(1), T0.plusSeconds(6));
        s.segment("a-1", segs.get(0), T0.plusSeconds(3));
        SessionStore.StoredSession open = s.find("a-1").orElseThrow();
        assertEquals(segs, open.segments(), "segments in segment order");
        assertNull(open.document());
        assertNull(open.endedAt());
        FinalDocument doc = document("a-1", segs);
        s.finished("a-1", doc, T0.plusSeconds(10));
        SessionStore.StoredSession done = s.find("a-1").orElseThrow();
        assertEquals(doc, done.document());
        assertEquals(T0, done.createdAt());
        assertEquals(T0.plusSeconds(10), done.endedAt());
        assertEquals("es", done.language());
    }

    @Test
    void repeatedStartsAndSegmentsAreIdempotent() {
        SessionStore s = store();
        s.started("b-1", "en", T0);
        s.started("b-1", "en", T0.plusSeconds(60));
        TranscriptLine e = new TranscriptLine(1, "S1", 0, 1, "hello");
        s.segment("b-1", e, T0.plusSeconds(1));
        s.segment("b-1", e, T0.plusSeconds(2));
        SessionStore.StoredSession got = s.find("b-1").orElseThrow();
        assertEquals(T0, got.createdAt());
        assertEquals(List.of(e), got.segments());
        assertEquals(1, s.list(null, null, 10).items().stream().filter(i -> i.id().equals("b-1")).findFirst().orElseThrow().segments(),
                "the listing counts a repeated segment once too");
        s.close();
        SessionStore again = reopen();
        assertEquals(List.of(e), again.find("b-1").orElseThrow().segments());
        assertEquals(1, again.list(null, null, 10).items().stream().filter(i -> i.id().equals("b-1")).findFirst().orElseThrow().segments());
    }

    @Test
    void deleteRemovesEverything() {
        SessionStore s = store();
        s.started("c-1", "es", T0);
        s.segment("c-1", new TranscriptLine(1, "S1", 0, 1, "secreto"), T0);
        s.finished("c-1", document("c-1", List.of()), T0.plusSeconds(1));
        assertTrue(s.delete("c-1"));
        assertTrue(s.find("c-1").isEmpty());
        assertFalse(s.delete("c-1"));
        assertTrue(reopen().find("c-1").isEmpty(), "nothing comes back after a restart");
        assertTrue(s.find("never").isEmpty());
    }

    @Test
    void listingPagesInCreationOrderFromSince() {
        SessionStore s = store();
        for (int i = 0; i < 5; i++) {
            s.started("p-" + i, "es", T0.plusSeconds(i * 60));
        }
        s.segment("p-3", new TranscriptLine(1, "S1", 0, 1, "x"), T0.plusSeconds(200));
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            SessionStore.Page page = s.list(T0.plusSeconds(60), cursor, 2);
            page.items().forEach(i -> seen.add(i.id()));
            cursor = page.next();
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(List.of("p-1", "p-2", "p-3", "p-4"), seen);
        assertEquals(2, pages);
        SessionStore.Summary p3 = s.list(T0.plusSeconds(180), null, 1).items().get(0);
        assertEquals("p-3", p3.id());
        assertEquals(1, p3.segments());
        assertEquals(5, s.count());
    }

    @Test
    void retentionPurgesByLastChange() {
        SessionStore s = store();
        s.started("old", "es", T0);
        s.started("kept", "es", T0);
        s.segment("kept", new TranscriptLine(1, "S1", 0, 1, "x"), T0.plusSeconds(3600));
        assertEquals(1, s.purgeBefore(T0.plusSeconds(60)));
        assertTrue(s.find("old").isEmpty());
        assertTrue(s.find("kept").isPresent());
    }

    @Test
    void everythingSurvivesARestart() {
        SessionStore s = store();
        s.started("r-1", "es", T0);
        TranscriptLine e = new TranscriptLine(1, "S1", 0.25, 1.5, "Persistente");
        s.segment("r-1", e, T0.plusSeconds(2));
        FinalDocument doc = document("r-1", List.of(e));
        s.finished("r-1", doc, T0.plusSeconds(3));
        s.started("r-2", "en", T0.plusSeconds(5));
        s.close();
        SessionStore again = reopen();
        assertEquals(doc, again.find("r-1").orElseThrow().document());
        assertEquals(List.of(e), again.find("r-1").orElseThrow().segments());
        assertEquals(List.of("r-1", "r-2"), again.list(null, null, 10).items().stream().map(SessionStore.Summary::id).toList());
    }

    @Test
    void theLatestAudioCheckpointIsKeptRefreshesTheSessionAndSurvivesARestart() {
        SessionStore s = store();
        s.started("k-1", "es", T0);
        assertNull(s.find("k-1").orElseThrow().checkpoint());
        AudioCheckpoint first = new AudioCheckpoint(16000, "pcm16", 1, 80_000, 160_000, null, "aa", "c3RhdGUx");
        AudioCheckpoint second = new AudioCheckpoint(16000, "pcm16", 1, 160_000, 320_000, 41L, "bb", "c3RhdGUy");
        s.checkpoint("k-1", first, T0.plusSeconds(5));
        s.checkpoint("k-1", second, T0.plusSeconds(10));
        SessionStore.StoredSession got = s.find("k-1").orElseThrow();
        assertEquals(second, got.checkpoint());
        assertEquals(T0.plusSeconds(10), got.updatedAt(), "a checkpoint counts as a change (the resume window runs from it)");
        s.close();
        assertEquals(second, reopen().find("k-1").orElseThrow().checkpoint());
    }
}
