package io.localmodels.asr;

/**
 * The Slaney-style mel filterbank Whisper uses ({@code librosa.filters.mel(sr, n_fft, n_mels)} with
 * the default Slaney mel scale and area normalisation), computed here rather than shipped because the
 * Hugging Face model folders do not carry it. Stored sparsely: each filter covers a few FFT bins.
 */
final class MelFilterBank {

    private static final double F_SP = 200.0 / 3;
    private static final double MIN_LOG_HZ = 1000.0;
    private static final double MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
    private static final double LOG_STEP = Math.log(6.4) / 27.0;

    final int mels;
    final int bins;
    final int[] first;
    final float[][] weights;

    private MelFilterBank(int mels, int bins, int[] first, float[][] weights) {
        this.mels = mels;
        this.bins = bins;
        this.first = first;
        this.weights = weights;
    }

    static MelFilterBank slaney(int mels, int nFft, int sampleRate) {
        int bins = nFft / 2 + 1;
        double[] fftFreqs = new double[bins];
        for (int k = 0; k < bins; k++) {
            fftFreqs[k] = (double) k * sampleRate / nFft;
        }
        double maxMel = hzToMel(sampleRate / 2.0);
        double[] melF = new double[mels + 2];
        for (int i = 0; i < melF.length; i++) {
            melF[i] = melToHz(maxMel * i / (mels + 1));
        }
        int[] first = new int[mels];
        float[][] weights = new float[mels][];
        double[] row = new double[bins];
        for (int m = 0; m < mels; m++) {
            double lowDiff = melF[m + 1] - melF[m];
            double highDiff = melF[m + 2] - melF[m + 1];
            double enorm = 2.0 / (melF[m + 2] - melF[m]);
            int lo = -1;
            int hi = -1;
            for (int k = 0; k < bins; k++) {
                double lower = (fftFreqs[k] - melF[m]) / lowDiff;
                double upper = (melF[m + 2] - fftFreqs[k]) / highDiff;
                row[k] = Math.max(0, Math.min(lower, upper)) * enorm;
                if (row[k] > 0) {
                    if (lo < 0) {
                        lo = k;
                    }
                    hi = k;
                }
            }
            if (lo < 0) {
                lo = 0;
                hi = -1;
            }
            first[m] = lo;
            weights[m] = new float[hi - lo + 1];
            for (int k = lo; k <= hi; k++) {
                weights[m][k - lo] = (float) row[k];
            }
        }
        return new MelFilterBank(mels, bins, first, weights);
    }

    /** The dense [mels][bins] matrix (for tests and diagnostics). */
    float[][] dense() {
        float[][] out = new float[mels][bins];
        for (int m = 0; m < mels; m++) {
            System.arraycopy(weights[m], 0, out[m], first[m], weights[m].length);
        }
        return out;
    }

    static double hzToMel(double hz) {
        return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
    }

    static double melToHz(double mel) {
        return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
    }
}
