package io.localmodels.session;

import io.localmodels.audio.AudioEncoding;
import io.localmodels.audio.StreamFormat;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A session's account of its audio: what resume offsets, the attached event and restarts are built from. */
class AudioLedgerTest {

    private static final StreamFormat STEREO_16K = new StreamFormat(16000, AudioEncoding.PCM16, 2);

    @Test
    void bytesChunkIdsSamplesAndTheirDigestAreCountedAsTaken() throws Exception {
        AudioLedger ledger = new AudioLedger(STEREO_16K, null, Duration.ofSeconds(1));
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        short[] frame = frame(320, 7);
        ledger.decoded(frame, 1280, 4L);
        littleEndian(frame, decoded);
        ledger.dropped(99);
        ledger.decoded(frame, 1280, null);
        littleEndian(frame, decoded);

        assertEquals(1280 + 99 + 1280, ledger.bytes(), "a dropped frame's bytes were received too");
        assertEquals(4L, ledger.lastChunkId(), "a frame without chunk id keeps the last one");
        assertEquals(320, ledger.samples(), "samples per channel");
        assertEquals(0.02, ledger.seconds());
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(decoded.toByteArray()));
        assertEquals(expected, ledger.sha256());

        AudioCheckpoint at = ledger.checkpoint(100);
        assertEquals(1280 + 99 + 1280 - 100, at.bytes(), "bytes the decoder still holds are not yet accounted for");
        assertEquals(320, at.samples());
        assertEquals(4L, at.lastChunkId());
        assertEquals(expected, at.sha256());
        assertEquals("pcm16", at.encoding());
        assertEquals(2, at.channels());
    }

    @Test
    void aLedgerContinuedFromACheckpointCoversTheWholeSession() throws Exception {
        AudioLedger first = new AudioLedger(STEREO_16K, null, Duration.ofSeconds(1));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        short[] a = frame(500, 3);
        first.decoded(a, 2000, 1L);
        littleEndian(a, all);
        AudioLedger second = new AudioLedger(STEREO_16K, first.checkpoint(0), Duration.ofSeconds(1));
        assertEquals(2000, second.bytes());
        assertEquals(1L, second.lastChunkId());
        short[] b = frame(700, 11);
        second.decoded(b, 2800, 2L);
        littleEndian(b, all);

        assertEquals(600, second.samples());
        assertEquals(4800, second.bytes());
        assertEquals(2L, second.lastChunkId());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all.toByteArray())), second.sha256());
        assertNull(new AudioLedger(STEREO_16K, null, Duration.ofSeconds(1)).lastChunkId());
    }

    @Test
    void aPeriodicCheckpointIsDueOncePerIntervalOfAudio() {
        AudioLedger ledger = new AudioLedger(STEREO_16K, null, Duration.ofMillis(500));
        ledger.decoded(frame(2 * 7999, 1), 4 * 7999, null);
        assertFalse(ledger.checkpointDue(), "7999 samples: under half a second");
        ledger.decoded(frame(2, 1), 4, null);
        assertTrue(ledger.checkpointDue(), "8000 samples: half a second");
        assertFalse(ledger.checkpointDue(), "due once, then counted from there");
        ledger.decoded(frame(2 * 8000, 1), 4 * 8000, null);
        assertTrue(ledger.checkpointDue());
    }

    /** {@code values} interleaved samples, a ramp from {@code seed}. */
    private static short[] frame(int values, int seed) {
        short[] s = new short[values];
        for (int i = 0; i < values; i++) {
            s[i] = (short) (seed * 1000 + i * 37);
        }
        return s;
    }

    private static void littleEndian(short[] samples, ByteArrayOutputStream out) {
        for (short v : samples) {
            out.write(v & 0xff);
            out.write((v >> 8) & 0xff);
        }
    }
}
