package io.localmodels.speaker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds where the voice changes inside one utterance that the VAD did not cut (two people speaking
 * without a pause between them): voice prints of sliding windows, the cut where the windows before
 * and after it differ most, kept when the two parts' own voice prints are less alike than
 * {@code threshold}; each part is searched again, down to parts of {@link #MIN_PART} samples.
 */
public final class SpeakerChanges {

    static final int WINDOW = 24_000;  // 1.5 s
    static final int HOP = 12_000;
    /** The shortest part a cut may leave: shorter stretches give unreliable voice prints. */
    static final int MIN_PART = 24_000;
    static final int MAX_PARTS = 4;

    /** One speaker's stretch of an utterance: samples [start, end) of it, and its voice print. */
    public record Part(int start, int end, float[] embedding) {
    }

    private final SpeakerEmbedder embedder;
    private final double threshold;

    public SpeakerChanges(SpeakerEmbedder embedder, double threshold) {
        this.embedder = embedder;
        this.threshold = threshold;
    }

    /** The utterance's parts in order; one part (the whole utterance) when no change was found. */
    public List<Part> split(float[] audio) {
        // an embedder that works on frames computes them once: every window and part reuses them
        Source u = new Source(audio, embedder.frames(audio));
        List<Part> parts = new ArrayList<>();
        parts.add(new Part(0, audio.length, embed(u, 0, audio.length)));
        if (threshold <= -1) {
            return parts;
        }
        for (int i = 0; i < parts.size() && parts.size() < MAX_PARTS; ) {
            Part p = parts.get(i);
            List<Part> two = splitOnce(u, p);
            if (two == null) {
                i++;
            } else {
                parts.remove(i);
                parts.addAll(i, two);
            }
        }
        return parts;
    }

    /** One utterance's samples, and its frames when the embedder works on frames (else null). */
    private record Source(float[] audio, float[][] frames) {
    }

    private List<Part> splitOnce(Source u, Part p) {
        int length = p.end() - p.start();
        if (length < 2 * MIN_PART) {
            return null;
        }
        List<double[]> windows = new ArrayList<>();
        for (int at = p.start(); at + WINDOW <= p.end(); at += HOP) {
            windows.add(Vectors.unit(embed(u, at, at + WINDOW)));
        }
        int bestCut = -1;
        double lowest = Double.POSITIVE_INFINITY;
        // a cut between windows i-1 and i sits halfway between their centres
        for (int i = 1; i < windows.size(); i++) {
            int cut = p.start() + (i - 1) * HOP + WINDOW / 2 + HOP / 2;
            if (cut - p.start() < MIN_PART || p.end() - cut < MIN_PART) {
                continue;
            }
            double s = Vectors.cosine(mean(windows, 0, i), mean(windows, i, windows.size()));
            if (s < lowest) {
                lowest = s;
                bestCut = cut;
            }
        }
        if (bestCut < 0) {
            return null;
        }
        Part left = new Part(p.start(), bestCut, embed(u, p.start(), bestCut));
        Part right = new Part(bestCut, p.end(), embed(u, bestCut, p.end()));
        if (Vectors.cosine(Vectors.unit(left.embedding()), Vectors.unit(right.embedding())) >= threshold) {
            return null;
        }
        return List.of(left, right);
    }

    /** The voice print of samples [from, to): from the frames lying wholly inside them, when there are frames. */
    private float[] embed(Source u, int from, int to) {
        if (to - from < embedder.minSamples()) {
            return null;
        }
        if (u.frames() != null) {
            int first = (from + Fbank.SHIFT - 1) / Fbank.SHIFT;
            int last = Math.min(u.frames().length, Fbank.frames(to));
            return embedder.embedFrames(u.frames(), first, last);
        }
        float[] audio = u.audio();
        return embedder.embed(from == 0 && to == audio.length ? audio : Arrays.copyOfRange(audio, from, to));
    }

    private static double[] mean(List<double[]> windows, int from, int to) {
        double[] m = new double[windows.get(0).length];
        for (int i = from; i < to; i++) {
            Vectors.add(m, windows.get(i), 1);
        }
        return m;
    }
}
