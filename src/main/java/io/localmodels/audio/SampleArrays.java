package io.localmodels.audio;

import java.util.Arrays;

/**
 * Sample arrays: growing buffers (the resampler's input window, the VAD's recent audio, a spoken
 * answer's next chunk), and 16-bit samples in the byte order of PCM16 files and streams.
 */
public final class SampleArrays {

    private SampleArrays() {
    }

    /**
     * {@code input} written into {@code buffer} at {@code length}: the same array when it fits, else a copy
     * at least twice as large (appends stay amortised O(1)). The caller adds {@code input.length} to its length.
     */
    public static float[] append(float[] buffer, int length, float[] input) {
        float[] out = length + input.length > buffer.length
                ? Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + input.length)) : buffer;
        System.arraycopy(input, 0, out, length, input.length);
        return out;
    }

    /** The same for 16-bit samples. */
    public static short[] append(short[] buffer, int length, short[] input) {
        short[] out = length + input.length > buffer.length
                ? Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + input.length)) : buffer;
        System.arraycopy(input, 0, out, length, input.length);
        return out;
    }

    /** 16-bit samples as little-endian bytes (PCM16 as WAV, raw pcm and Gemini's audio/pcm carry it). */
    public static byte[] littleEndian(short[] pcm) {
        byte[] bytes = new byte[pcm.length * 2];
        for (int i = 0; i < pcm.length; i++) {
            bytes[2 * i] = (byte) pcm[i];
            bytes[2 * i + 1] = (byte) (pcm[i] >> 8);
        }
        return bytes;
    }
}
