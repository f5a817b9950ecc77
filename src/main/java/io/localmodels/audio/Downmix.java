package io.localmodels.audio;

/** Interleaved 16-bit samples to mono floats in [-1, 1). */
public final class Downmix {

    private Downmix() {
    }

    public static float[] toMonoFloat(short[] interleaved, int channels) {
        int frames = interleaved.length / channels;
        float[] out = new float[frames];
        if (channels == 1) {
            for (int i = 0; i < frames; i++) {
                out[i] = interleaved[i] / 32768f;
            }
            return out;
        }
        for (int i = 0; i < frames; i++) {
            int sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += interleaved[i * channels + c];
            }
            out[i] = sum / (32768f * channels);
        }
        return out;
    }
}
