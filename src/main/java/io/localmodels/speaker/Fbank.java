package io.localmodels.speaker;

import org.jtransforms.fft.DoubleFFT_1D;

import java.util.Arrays;

/**
 * Log mel filter-bank energies as Kaldi computes them (and kaldi-native-fbank, which sherpa-onnx
 * feeds its speaker models with): 25 ms frames every 10 ms without padding at the edges, DC
 * removed, pre-emphasis 0.97, the window, a 512-point power spectrum, triangular filters spaced on
 * the HTK mel scale, natural log floored at machine epsilon. No dither, so the same audio always
 * gives the same features.
 */
public final class Fbank {

    /** Frame windows sherpa-onnx's models name in their metadata. */
    public enum Window { POVEY, HANN, HAMMING }

    /**
     * {@code scale}: what samples in [-1, 1] are multiplied by first (32768 for models trained on
     * integer samples, sherpa-onnx's normalize_samples=0).
     */
    public record Options(int bins, Window window, double lowHz, double highHz, boolean removeDc, double scale) {

        /** Kaldi's defaults as sherpa-onnx sets them for WeSpeaker / 3D-Speaker models. */
        public static Options kaldi(int bins, double scale) {
            return new Options(bins, Window.POVEY, 20, 8000 - 400, true, scale);
        }
    }

    public static final int SAMPLE_RATE = 16_000;
    public static final int FRAME = 400;
    public static final int SHIFT = 160;
    private static final int FFT = 512;
    private static final double FLOOR = Math.ulp(1.0f);

    private final Options options;
    private final double[] window = new double[FRAME];
    private final double[][] filters;
    private final int[] firstBin;

    public Fbank(Options options) {
        this.options = options;
        for (int i = 0; i < FRAME; i++) {
            double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (FRAME - 1));
            window[i] = switch (options.window()) {
                case POVEY -> Math.pow(hann, 0.85);
                case HANN -> hann;
                case HAMMING -> 0.54 - 0.46 * Math.cos(2 * Math.PI * i / (FRAME - 1));
            };
        }
        int bins = options.bins();
        filters = new double[bins][];
        firstBin = new int[bins];
        double lo = mel(options.lowHz());
        double hi = mel(options.highHz());
        double step = (hi - lo) / (bins + 1);
        for (int b = 0; b < bins; b++) {
            double left = lo + b * step;
            double centre = left + step;
            double right = centre + step;
            int first = -1;
            double[] w = new double[FFT / 2 + 1];
            int last = -1;
            for (int k = 0; k <= FFT / 2; k++) {
                double m = mel(k * (double) SAMPLE_RATE / FFT);
                if (m > left && m < right) {
                    w[k] = m <= centre ? (m - left) / (centre - left) : (right - m) / (right - centre);
                    if (first < 0) {
                        first = k;
                    }
                    last = k;
                }
            }
            firstBin[b] = Math.max(first, 0);
            filters[b] = first < 0 ? new double[0] : Arrays.copyOfRange(w, first, last + 1);
        }
    }

    static double mel(double hz) {
        return 1127.0 * Math.log(1 + hz / 700.0);
    }

    public int bins() {
        return options.bins();
    }

    /** How many frames {@code samples} 16 kHz samples give (0 when shorter than one frame). */
    public static int frames(int samples) {
        return samples < FRAME ? 0 : 1 + (samples - FRAME) / SHIFT;
    }

    /** Features of 16 kHz mono audio in [-1, 1], one row of {@link #bins()} values per frame. */
    public float[][] compute(float[] audio) {
        int n = frames(audio.length);
        float[][] out = new float[n][options.bins()];
        DoubleFFT_1D fft = new DoubleFFT_1D(FFT);
        double[] frame = new double[FFT];
        double[] power = new double[FFT / 2 + 1];
        for (int f = 0; f < n; f++) {
            Arrays.fill(frame, 0);
            int at = f * SHIFT;
            double mean = 0;
            for (int i = 0; i < FRAME; i++) {
                frame[i] = audio[at + i] * options.scale();
                mean += frame[i];
            }
            if (options.removeDc()) {
                mean /= FRAME;
                for (int i = 0; i < FRAME; i++) {
                    frame[i] -= mean;
                }
            }
            for (int i = FRAME - 1; i > 0; i--) {
                frame[i] -= 0.97 * frame[i - 1];
            }
            frame[0] -= 0.97 * frame[0];
            for (int i = 0; i < FRAME; i++) {
                frame[i] *= window[i];
            }
            fft.realForward(frame);
            power[0] = frame[0] * frame[0];
            power[FFT / 2] = frame[1] * frame[1];
            for (int k = 1; k < FFT / 2; k++) {
                power[k] = frame[2 * k] * frame[2 * k] + frame[2 * k + 1] * frame[2 * k + 1];
            }
            for (int b = 0; b < options.bins(); b++) {
                double e = 0;
                double[] w = filters[b];
                for (int k = 0; k < w.length; k++) {
                    e += w[k] * power[firstBin[b] + k];
                }
                out[f][b] = (float) Math.log(Math.max(e, FLOOR));
            }
        }
        return out;
    }
}
