package io.localmodels.session;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Refusals that hold for the whole session are said once; the others once per segment. */
class RefusalNoticesTest {

    @Test
    void aLoadingModelIsANoticeSaidOnce() {
        RefusalNotices n = new RefusalNotices();
        Optional<SessionEvent> first = n.of("s1", 1, new RecognitionRefused("asr_loading", "whisper-base is downloading (40 %)"));
        SessionEvent.Notice notice = (SessionEvent.Notice) first.orElseThrow();
        assertEquals("s1", notice.sessionId());
        assertEquals("asr_loading", notice.code());
        assertTrue(notice.message().startsWith("whisper-base is downloading (40 %); speech boundaries flow meanwhile"), notice.message());
        assertEquals(Optional.empty(), n.of("s1", 2, new RecognitionRefused("asr_loading", "whisper-base is downloading (60 %)")));
        // another session-wide refusal is still said, once
        assertTrue(n.of("s1", 3, new RecognitionRefused("asr_unavailable", "no ASR model")).isPresent());
        assertEquals(Optional.empty(), n.of("s1", 4, new RecognitionRefused("asr_unavailable", "no ASR model")));
    }

    @Test
    void anUnsupportedLanguageIsANonFatalErrorSaidOnce() {
        RefusalNotices n = new RefusalNotices();
        SessionEvent.Error e = (SessionEvent.Error) n.of("s1", 1, new RecognitionRefused("language_unsupported", "tiny.en is English-only"))
                .orElseThrow();
        assertEquals("language_unsupported", e.code());
        assertEquals(false, e.fatal());
        assertEquals(Optional.empty(), n.of("s1", 2, new RecognitionRefused("language_unsupported", "tiny.en is English-only")));
    }

    @Test
    void anyOtherRefusalIsSaidForEachSegmentAndNamesIt() {
        RefusalNotices n = new RefusalNotices();
        for (int segment = 1; segment <= 2; segment++) {
            SessionEvent.Error e = (SessionEvent.Error) n.of("s1", segment, new RecognitionRefused("asr_busy", "the ASR queue is full"))
                    .orElseThrow();
            assertEquals("asr_busy", e.code());
            assertEquals("segment " + segment + " was not transcribed: the ASR queue is full", e.message());
        }
    }
}
