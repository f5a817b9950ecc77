package io.localmodels.speaker;

/**
 * The built-in voice print, needing no weights: the average liftered cepstrum (MFCC 2–23) over the
 * frames that carry speech. c0 (loudness) and c1 (mostly the spectral tilt of the microphone and
 * room, shared by everyone in a session) are left out. It mostly captures the vocal tract's resonances, so it tells apart
 * voices that sound clearly different (a man and a woman, two people of different builds) and
 * confuses similar ones; a trained model (CAM++, ERes2Net, WeSpeaker, TitaNet) does much better.
 */
public final class CepstralEmbedder implements SpeakerEmbedder {

    private static final int BINS = 40;
    private static final int FIRST = 2;
    private static final int COEFFICIENTS = 24;
    /** Frames more than this far (natural log of energy) below the loudest frame are pauses, not voice. */
    private static final double SPEECH_RANGE = 12.0;
    private static final double LIFTER = 22;

    private final Fbank fbank = new Fbank(Fbank.Options.kaldi(BINS, 1.0));
    private final double[][] dct = new double[COEFFICIENTS][BINS];
    private final double[] lift = new double[COEFFICIENTS];

    public CepstralEmbedder() {
        for (int k = 0; k < COEFFICIENTS; k++) {
            for (int b = 0; b < BINS; b++) {
                dct[k][b] = Math.cos(Math.PI / BINS * (b + 0.5) * k);
            }
            lift[k] = 1 + LIFTER / 2 * Math.sin(Math.PI * k / LIFTER);
        }
    }

    @Override
    public float[] embed(float[] audio16k) {
        float[][] frames = fbank.compute(audio16k);
        return embedFrames(frames, 0, frames.length);
    }

    @Override
    public float[][] frames(float[] audio16k) {
        return fbank.compute(audio16k);
    }

    @Override
    public float[] embedFrames(float[][] frames, int from, int to) {
        double[] energy = new double[Math.max(0, to - from)];
        double loudest = Double.NEGATIVE_INFINITY;
        for (int f = from; f < to; f++) {
            double sum = 0;
            for (float v : frames[f]) {
                sum += Math.exp(v);
            }
            energy[f - from] = Math.log(sum);
            loudest = Math.max(loudest, energy[f - from]);
        }
        double[] mean = new double[COEFFICIENTS - FIRST];
        int used = 0;
        for (int f = from; f < to; f++) {
            if (energy[f - from] <= loudest - SPEECH_RANGE) {
                continue;
            }
            used++;
            for (int k = FIRST; k < COEFFICIENTS; k++) {
                double c = 0;
                for (int b = 0; b < BINS; b++) {
                    c += dct[k][b] * frames[f][b];
                }
                mean[k - FIRST] += c;
            }
        }
        float[] out = new float[COEFFICIENTS - FIRST];
        for (int k = FIRST; k < COEFFICIENTS; k++) {
            out[k - FIRST] = used == 0 ? 0 : (float) (mean[k - FIRST] / used * lift[k]);
        }
        return out;
    }

    @Override
    public String name() {
        return "builtin (cepstral statistics)";
    }
}
