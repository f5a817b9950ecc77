package io.localmodels.session;

import io.localmodels.analysis.TranscriptLine;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules the journal and the store backlog share when they fold a session's writes. */
class SessionFoldTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void theFirstStartAndTheFirstLineOfASegmentCountAndTheTimesSpanTheWrites() {
        SessionFold fold = new SessionFold();
        assertTrue(fold.empty());
        fold.at(T0);
        fold.started("es");
        fold.at(T0.plusSeconds(1));
        fold.segment(new TranscriptLine(1, "S1", 0.0, 1.0, "hola"));
        fold.at(T0.plusSeconds(2));
        fold.started("en");
        fold.at(T0.plusSeconds(3));
        fold.segment(new TranscriptLine(1, "S2", 0.0, 1.0, "otra vez"));
        SessionStore.StoredSession s = fold.toStored("s");
        assertEquals("es", s.language());
        assertEquals(List.of(new TranscriptLine(1, "S1", 0.0, 1.0, "hola")), s.segments());
        assertEquals(T0, s.createdAt());
        assertEquals(T0.plusSeconds(3), s.updatedAt());
        assertEquals(null, s.endedAt());
    }

    @Test
    void aSeededSessionKeepsItsCreationAndTakesTheLaterWrites() {
        SessionFold fold = new SessionFold();
        fold.seed(new SessionStore.StoredSession("s", null, T0, T0, null, List.of(new TranscriptLine(2, "S1", 1.0, 2.0, "b")), null, null));
        fold.at(T0.plusSeconds(5));
        fold.started("en");
        fold.segment(new TranscriptLine(1, "S1", 0.0, 1.0, "a"));
        SessionStore.StoredSession s = fold.toStored("s");
        assertEquals("en", s.language());
        assertEquals(List.of(1, 2), s.segments().stream().map(TranscriptLine::segmentId).toList());
        assertEquals(T0, s.createdAt());
        assertEquals(T0.plusSeconds(5), s.updatedAt());
    }
}
