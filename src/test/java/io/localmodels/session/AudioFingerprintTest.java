package io.localmodels.session;

import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** audio_sha256 and the sample count, also across a checkpoint and a restart. */
class AudioFingerprintTest {

    private static final short[] FIRST = {1, -2, 300, -32768, 32767, 0};
    private static final short[] SECOND = {0x1234, -0x1234, 7, 8};

    /** The reference: the JDK's SHA-256 of the samples as 16-bit little-endian bytes, interleaved. */
    private static String reference(short[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (short[] p : parts) {
            for (short s : p) {
                md.update((byte) (s & 0xff));
                md.update((byte) ((s >> 8) & 0xff));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void hashesTheDecodedSamplesAndCountsThemPerChannel() throws Exception {
        AudioFingerprint f = new AudioFingerprint(2);
        assertEquals(reference(), f.sha256());
        f.add(FIRST);
        assertEquals(reference(FIRST), f.sha256());
        assertEquals(3, f.samples());
        // reading the hash does not end it
        f.add(SECOND);
        assertEquals(reference(FIRST, SECOND), f.sha256());
        assertEquals(5, f.samples());
    }

    @Test
    void aRestoredFingerprintContinuesTheSameHash() throws Exception {
        AudioFingerprint before = new AudioFingerprint(2);
        before.add(FIRST);
        AudioCheckpoint cp = new AudioCheckpoint(16000, "pcm16", 2, before.samples(), 12, null, before.sha256(), before.state());
        AudioFingerprint after = new AudioFingerprint(2, cp);
        assertEquals(3, after.samples());
        after.add(SECOND);
        assertEquals(reference(FIRST, SECOND), after.sha256());
        assertEquals(5, after.samples());
    }
}
