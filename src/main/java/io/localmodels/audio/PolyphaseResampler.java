package io.localmodels.audio;

import java.util.Arrays;

/**
 * Rational L/M resampler: a Kaiser-windowed sinc low-pass designed at L × the input rate and
 * evaluated only at the output instants (polyphase), so each output costs one short dot product.
 * The pass band ends at 92 % of the lower Nyquist frequency and the stop band (≥ 80 dB design
 * attenuation) starts at it, so nothing above the new Nyquist folds back into speech. The
 * filter's group delay is compensated: output sample n is input time n·M/L exactly.
 */
public final class PolyphaseResampler implements Resampler {

    private static final double STOPBAND_DB = 80;
    private static final double TRANSITION = 0.08;

    private final int up;
    private final int down;
    private final int taps;
    private final float[][] phases;
    private final long delay;

    private float[] buf = new float[4096];
    /** Absolute input index of {@code buf[0]}. */
    private long bufStart;
    private int bufLen;
    private long nextOut;
    private boolean flushed;

    public PolyphaseResampler(int fromRate, int toRate) {
        int g = gcd(fromRate, toRate);
        this.up = toRate / g;
        this.down = fromRate / g;
        double upRate = (double) fromRate * up;
        double nyquist = Math.min(fromRate, toRate) / 2.0;
        double cutoff = nyquist * (1 - TRANSITION / 2);
        double width = 2 * Math.PI * nyquist * TRANSITION / upRate;
        int n = (int) Math.ceil((STOPBAND_DB - 8) / (2.285 * width)) + 1;
        this.taps = (n + up - 1) / up;
        int length = taps * up;
        double beta = 0.1102 * (STOPBAND_DB - 8.7);
        double i0Beta = besselI0(beta);
        // An odd design length puts the centre on a sample, so the delay is a whole number of
        // up-sampled samples and can be compensated exactly; an even length leaves the last tap 0.
        int designed = length % 2 == 1 ? length : length - 1;
        double centre = (designed - 1) / 2.0;
        double fc = cutoff / upRate;
        double[] h = new double[length];
        for (int i = 0; i < designed; i++) {
            double x = i - centre;
            double sinc = x == 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * x) / (Math.PI * x);
            double r = x / centre;
            double window = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
            h[i] = sinc * window;
        }
        this.phases = new float[up][taps];
        for (int p = 0; p < up; p++) {
            double sum = 0;
            for (int k = 0; k < taps; k++) {
                sum += h[p + k * up];
            }
            // Each phase gets unity DC gain: a constant input gives the same constant out.
            for (int k = 0; k < taps; k++) {
                phases[p][k] = (float) (h[p + k * up] / sum);
            }
        }
        this.delay = (long) centre;
    }

    @Override
    public float[] process(float[] input) {
        if (flushed) {
            throw new IllegalStateException("resampler already flushed");
        }
        append(input);
        return produce(bufStart + bufLen);
    }

    @Override
    public float[] flush() {
        if (flushed) {
            return new float[0];
        }
        long inputEnd = bufStart + bufLen;
        // Zeros after the end let the last real samples through the filter's delay line.
        append(new float[taps]);
        long outputs = (inputEnd * up + down - 1) / down;
        float[] out = produce(bufStart + bufLen);
        flushed = true;
        int keep = (int) Math.max(0, Math.min(out.length, outputs - (nextOut - out.length)));
        return keep == out.length ? out : Arrays.copyOf(out, keep);
    }

    private float[] produce(long available) {
        // Output n is at up-sampled time n·M + delay; its newest input is (n·M + delay) / L.
        long count = 0;
        for (long n = nextOut; (n * down + delay) / up < available; n++) {
            count++;
        }
        float[] out = new float[(int) count];
        for (int o = 0; o < count; o++, nextOut++) {
            long t = nextOut * down + delay;
            long base = t / up;
            float[] coeffs = phases[(int) (t % up)];
            double acc = 0;
            for (int k = 0; k < taps; k++) {
                long idx = base - k;
                if (idx < bufStart) {
                    break;
                }
                acc += coeffs[k] * buf[(int) (idx - bufStart)];
            }
            out[o] = (float) acc;
        }
        trim();
        return out;
    }

    private void append(float[] input) {
        buf = SampleArrays.append(buf, bufLen, input);
        bufLen += input.length;
    }

    /** Drops inputs no future output reaches. */
    private void trim() {
        long oldestNeeded = (nextOut * down + delay) / up - taps + 1;
        int drop = (int) Math.max(0, Math.min(bufLen, oldestNeeded - bufStart));
        if (drop > 0) {
            System.arraycopy(buf, drop, buf, 0, bufLen - drop);
            bufLen -= drop;
            bufStart += drop;
        }
    }

    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        for (int k = 1; k < 50; k++) {
            term *= (x / (2 * k)) * (x / (2 * k));
            sum += term;
            if (term < 1e-12 * sum) {
                break;
            }
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
