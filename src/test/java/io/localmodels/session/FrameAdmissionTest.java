package io.localmodels.session;

import io.localmodels.audio.AudioEncoding;
import io.localmodels.audio.StreamFormat;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a session takes, message by message: never a hole, never twice. */
class FrameAdmissionTest {

    static final StreamFormat PCM = new StreamFormat(16000, AudioEncoding.PCM16, 1);

    static FrameAdmission.Decision.Refused refused(FrameAdmission.Decision d) {
        return assertInstanceOf(FrameAdmission.Decision.Refused.class, d);
    }

    @Test
    void afterARefusalEverythingIsRefusedUntilTheRefusedChunkComesAgain() {
        FrameAdmission a = new FrameAdmission(PCM, 1000, null);
        assertInstanceOf(FrameAdmission.Decision.Accepted.class, a.offer(new byte[600], 1L));
        FrameAdmission.Decision.Refused first = refused(a.offer(new byte[600], 2L));
        assertTrue(first.tell());
        assertEquals(new FrameAdmission.Position(600, 300, 2L), first.position());
        a.processed(600);
        // room again, but chunk 3 would sit in front of the missing chunk 2
        FrameAdmission.Decision.Refused later = refused(a.offer(new byte[100], 3L));
        assertFalse(later.tell(), "not one error per message");
        assertInstanceOf(FrameAdmission.Decision.Duplicate.class, a.offer(new byte[600], 1L));
        assertInstanceOf(FrameAdmission.Decision.Accepted.class, a.offer(new byte[600], 2L));
        assertInstanceOf(FrameAdmission.Decision.Accepted.class, a.offer(new byte[100], 3L));
        assertEquals(new FrameAdmission.Position(1300, 650, null), a.position());
    }

    @Test
    void aRetryAtTheResumePointThatStillDoesNotFitIsToldAgain() {
        FrameAdmission a = new FrameAdmission(PCM, 1000, null);
        a.offer(new byte[900], 1L);
        assertTrue(refused(a.offer(new byte[600], 2L)).tell());
        assertTrue(refused(a.offer(new byte[600], 2L)).tell());
    }

    @Test
    void endOfStreamIsRefusedWhileRefusingAndClosesOtherwise() {
        FrameAdmission a = new FrameAdmission(PCM, 100, null);
        a.offer(new byte[80], null);
        refused(a.offer(new byte[80], null));
        assertEquals(80, a.closeUnlessRefusing().receivedBytes());
        a.processed(80);
        assertTrue(a.resume(80));
        a.offer(new byte[80], null);
        assertNull(a.closeUnlessRefusing());
        assertInstanceOf(FrameAdmission.Decision.Ended.class, a.offer(new byte[2], null));
    }

    @Test
    void aResumeBehindTheEndSkipsTheRepeatedBytesEvenInsideAMessage() {
        FrameAdmission a = new FrameAdmission(PCM, 10_000, null);
        a.offer(new byte[] {1, 2, 3, 4, 5, 6}, null);
        assertTrue(a.resume(2));
        assertInstanceOf(FrameAdmission.Decision.Duplicate.class, a.offer(new byte[] {3, 4}, null));
        FrameAdmission.Decision.Accepted tail = assertInstanceOf(FrameAdmission.Decision.Accepted.class,
                a.offer(new byte[] {5, 6, 7, 8}, null));
        assertArrayEquals(new byte[] {7, 8}, tail.taken());
        assertEquals(8, a.position().receivedBytes());
    }

    @Test
    void aResumeBeyondTheEndIsRefusedAndRefusesUntilTheEndIsNamed() {
        FrameAdmission a = new FrameAdmission(PCM, 10_000, null);
        a.offer(new byte[10], null);
        assertFalse(a.resume(20));
        refused(a.offer(new byte[10], null));
        assertTrue(a.resume(10));
        assertInstanceOf(FrameAdmission.Decision.Accepted.class, a.offer(new byte[10], null));
    }

    @Test
    void aSessionContinuedFromACheckpointKnowsItsPositionAndChunks() {
        AudioCheckpoint cp = new AudioCheckpoint(16000, "pcm16", 1, 500, 1000, 9L, "x", "eA==");
        FrameAdmission a = new FrameAdmission(PCM, 10_000, cp);
        assertInstanceOf(FrameAdmission.Decision.Duplicate.class, a.offer(new byte[10], 9L));
        assertInstanceOf(FrameAdmission.Decision.Accepted.class, a.offer(new byte[10], 10L));
        assertEquals(new FrameAdmission.Position(1010, 505, null), a.position());
    }
}
