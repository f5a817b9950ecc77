package io.localmodels.asr;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Whisper's input features: 16 kHz audio padded (or cut) to 30 s, a centred STFT (periodic Hann
 * window of 400, hop 160, reflect padding), power spectrum, Slaney mel filterbank, log10 floored at
 * 1e-10, clamped to (max − 8), then (x + 4) / 4. Output is [mels][3000] flattened row-major, which is
 * the layout of {@code input_features}. Not thread-safe (one instance per worker).
 */
public final class LogMelSpectrogram {

    public static final int SAMPLE_RATE = 16_000;
    public static final int N_FFT = 400;
    public static final int HOP = 160;
    public static final int CHUNK_SAMPLES = 30 * SAMPLE_RATE;
    public static final int FRAMES = CHUNK_SAMPLES / HOP;

    private final MelFilterBank filters;
    private final DoubleFFT_1D fft = new DoubleFFT_1D(N_FFT);
    private final double[] window = new double[N_FFT];
    private final double[] frame = new double[N_FFT];
    private final double[] power = new double[N_FFT / 2 + 1];

    public LogMelSpectrogram(int mels) {
        this.filters = MelFilterBank.slaney(mels, N_FFT, SAMPLE_RATE);
        for (int n = 0; n < N_FFT; n++) {
            window[n] = 0.5 - 0.5 * Math.cos(2 * Math.PI * n / N_FFT);
        }
    }

    public int mels() {
        return filters.mels;
    }

    /** Features of up to 30 s of audio; {@code out} must hold mels × 3000 floats. */
    public void compute(float[] audio, float[] out) {
        int mels = filters.mels;
        if (out.length != mels * FRAMES) {
            throw new IllegalArgumentException("feature buffer must hold " + mels * FRAMES + " floats");
        }
        int length = Math.min(audio.length, CHUNK_SAMPLES);
        double max = Double.NEGATIVE_INFINITY;
        int half = N_FFT / 2;
        for (int t = 0; t < FRAMES; t++) {
            int start = t * HOP - half;
            boolean silent = true;
            for (int n = 0; n < N_FFT; n++) {
                double x = sample(audio, length, start + n);
                frame[n] = x * window[n];
                silent &= x == 0;
            }
            if (silent) {
                // Padding frames: every mel band is the 1e-10 floor; skip the FFT.
                for (int m = 0; m < mels; m++) {
                    out[m * FRAMES + t] = -10f;
                }
                max = Math.max(max, -10);
                continue;
            }
            fft.realForward(frame);
            power[0] = frame[0] * frame[0];
            power[half] = frame[1] * frame[1];
            for (int k = 1; k < half; k++) {
                double re = frame[2 * k];
                double im = frame[2 * k + 1];
                power[k] = re * re + im * im;
            }
            for (int m = 0; m < mels; m++) {
                float[] w = filters.weights[m];
                int k0 = filters.first[m];
                double sum = 0;
                for (int j = 0; j < w.length; j++) {
                    sum += w[j] * power[k0 + j];
                }
                double log = Math.log10(Math.max(sum, 1e-10));
                out[m * FRAMES + t] = (float) log;
                max = Math.max(max, log);
            }
        }
        float floor = (float) (max - 8.0);
        for (int i = 0; i < out.length; i++) {
            out[i] = (Math.max(out[i], floor) + 4f) / 4f;
        }
    }

    public float[] compute(float[] audio) {
        float[] out = new float[filters.mels * FRAMES];
        compute(audio, out);
        return out;
    }

    /**
     * Sample {@code i} of the 30 s chunk (audio then zeros) with torch.stft's reflect padding at
     * both ends.
     */
    private static double sample(float[] audio, int length, int i) {
        if (i < 0) {
            i = -i;
        } else if (i >= CHUNK_SAMPLES) {
            i = 2 * (CHUNK_SAMPLES - 1) - i;
        }
        return i < length ? audio[i] : 0.0;
    }
}
