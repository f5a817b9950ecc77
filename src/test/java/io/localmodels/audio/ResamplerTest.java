package io.localmodels.audio;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResamplerTest {

    static float[] tone(double freq, int rate, double seconds, double amplitude) {
        float[] x = new float[(int) (rate * seconds)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * freq * i / rate));
        }
        return x;
    }

    /** Streams the input in uneven pieces, as network frames arrive. */
    static float[] resampleInPieces(Resampler r, float[] in) {
        float[] out = new float[0];
        int[] sizes = {1, 7, 160, 333, 882, 1024, 3};
        int pos = 0;
        for (int i = 0; pos < in.length; i++) {
            int n = Math.min(sizes[i % sizes.length], in.length - pos);
            out = concat(out, r.process(Arrays.copyOfRange(in, pos, pos + n)));
            pos += n;
        }
        return concat(out, r.flush());
    }

    static float[] concat(float[] a, float[] b) {
        float[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static double rms(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i] * x[i];
        }
        return Math.sqrt(s / (to - from));
    }

    /** Frequency of the strongest bin of a DFT evaluated at 1 Hz steps around the expectation. */
    static double peakFrequency(float[] x, int rate, double lo, double hi) {
        double best = 0;
        double bestF = 0;
        for (double f = lo; f <= hi; f += 1) {
            double re = 0;
            double im = 0;
            for (int i = 0; i < x.length; i++) {
                double a = 2 * Math.PI * f * i / rate;
                re += x[i] * Math.cos(a);
                im -= x[i] * Math.sin(a);
            }
            double m = re * re + im * im;
            if (m > best) {
                best = m;
                bestF = f;
            }
        }
        return bestF;
    }

    @ParameterizedTest
    @ValueSource(ints = {48000, 44100, 8000, 22050, 11025, 24000, 32000})
    void toneKeepsItsFrequencyAndLevelAt16k(int rate) {
        double f = 1000;
        float[] in = tone(f, rate, 1.0, 0.5);
        float[] out = resampleInPieces(Resampler.create(rate, 16000), in);

        assertEquals(16000, out.length, 1, "one second in, one second out");
        float[] middle = Arrays.copyOfRange(out, 2000, 14000);
        assertEquals(f, peakFrequency(middle, 16000, 950, 1050), 1.0);
        assertEquals(0.5 / Math.sqrt(2), rms(out, 2000, 14000), 0.01);
        // No time shift: the output follows the ideal 16 kHz sine sample by sample.
        float[] ideal = tone(f, 16000, 1.0, 0.5);
        for (int i = 2000; i < 14000; i += 97) {
            assertEquals(ideal[i], out[i], 0.01, "sample " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({"48000,8500", "48000,12000", "48000,20000", "44100,8500", "44100,15000", "32000,9000", "22050,10000"})
    void toneAboveTheNewNyquistIsAttenuatedByAtLeast50dB(int rate, double freq) {
        float[] in = tone(freq, rate, 1.0, 0.9);
        float[] out = resampleInPieces(Resampler.create(rate, 16000), in);
        double inRms = rms(in, 0, in.length);
        double outRms = rms(out, 1000, out.length - 1000);
        double db = 20 * Math.log10(outRms / inRms);
        assertTrue(db <= -50, rate + " Hz input, " + freq + " Hz tone: only " + db + " dB");
    }

    @Test
    void sixteenKilohertzPassesThroughUntouched() {
        float[] in = tone(440, 16000, 0.1, 0.3);
        Resampler r = Resampler.create(16000, 16000);
        assertArrayEquals(in, r.process(in));
        assertEquals(0, r.flush().length);
    }

    @Test
    void pieceSizesDoNotChangeTheOutput() {
        float[] in = tone(700, 44100, 0.5, 0.4);
        Resampler whole = Resampler.create(44100, 16000);
        float[] a = concat(whole.process(in), whole.flush());
        float[] b = resampleInPieces(Resampler.create(44100, 16000), in);
        assertArrayEquals(a, b, 1e-6f);
    }
}
