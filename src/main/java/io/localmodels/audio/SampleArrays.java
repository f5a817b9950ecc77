package io.localmodels.audio;

import java.util.Arrays;

/** Growing sample buffers, as the resampler's input window and the VAD's recent audio keep them. */
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
}
