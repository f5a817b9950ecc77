package io.localmodels.audio;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client bytes to 16 kHz mono: decode (with samples split across frames), downmix, resample. */
class AudioFrontEndTest {

    /** 1 s of 48 kHz stereo PCM16: a 440 Hz tone of amplitude 0.5 on the left, silence on the right. */
    static short[] stereoToneLeft() {
        short[] pcm = new short[48000 * 2];
        for (int i = 0; i < 48000; i++) {
            pcm[2 * i] = (short) Math.round(16384 * Math.sin(2 * Math.PI * 440 * i / 48000.0));
        }
        return pcm;
    }

    static byte[] littleEndian(short[] pcm) {
        byte[] b = new byte[pcm.length * 2];
        for (int i = 0; i < pcm.length; i++) {
            b[2 * i] = (byte) pcm[i];
            b[2 * i + 1] = (byte) (pcm[i] >> 8);
        }
        return b;
    }

    @Test
    void framesCutAnywhereDecodeToTheSamplesSentAndGiveTheMixAt16kHz() throws Exception {
        short[] pcm = stereoToneLeft();
        byte[] bytes = littleEndian(pcm);
        AudioFrontEnd fe = new AudioFrontEnd(new StreamFormat(48000, AudioEncoding.PCM16, 2), 16000);
        short[] decoded = new short[0];
        float[] mono = new float[0];
        int[] cuts = {3, 1, 1919, 2, 3840, 7};
        int pos = 0;
        for (int i = 0; pos < bytes.length; i++) {
            int n = Math.min(cuts[i % cuts.length], bytes.length - pos);
            short[] s = fe.decode(Arrays.copyOfRange(bytes, pos, pos + n));
            pos += n;
            // what is held is the part of a stereo frame (4 bytes) not yet complete
            assertEquals(pos % 4, fe.pendingBytes(), "held after " + pos + " bytes");
            decoded = concat(decoded, s);
            mono = ResamplerTest.concat(mono, fe.toTarget(s));
        }
        mono = ResamplerTest.concat(mono, fe.flush());
        assertArrayEquals(pcm, decoded);
        assertEquals(16000, mono.length, 2);
        // the average of the two channels: amplitude 0.25, RMS 0.25 / sqrt(2), still at 440 Hz
        double rms = ResamplerTest.rms(mono, 1000, 15000);
        assertEquals(0.25 / Math.sqrt(2), rms, 0.003, "RMS of the mix");
        assertEquals(440, ResamplerTest.peakFrequency(Arrays.copyOfRange(mono, 1000, 9000), 16000, 400, 480), 1.0);
    }

    @Test
    void sixteenKilohertzMonoPassesThroughUnchanged() throws Exception {
        short[] pcm = {0, 16384, -16384, 32767, -32768};
        AudioFrontEnd fe = new AudioFrontEnd(new StreamFormat(16000, AudioEncoding.PCM16, 1), 16000);
        float[] out = fe.toTarget(fe.decode(littleEndian(pcm)));
        assertArrayEquals(new float[] {0f, 0.5f, -0.5f, 32767 / 32768f, -1f}, out);
        assertEquals(0, fe.flush().length);
        assertTrue(fe.pendingBytes() == 0);
    }

    private static short[] concat(short[] a, short[] b) {
        short[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
