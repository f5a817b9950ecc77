package io.localmodels.asr;

import java.util.Arrays;

/**
 * openai/whisper's logit filters, in its order: SuppressBlank (at the first sampled position),
 * SuppressTokens, ApplyTimestampRules. Work in place on one row of logits.
 */
final class LogitRules {

    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    private final SpecialTokens sp;
    private final int maxInitialTimestampIndex;

    LogitRules(SpecialTokens specials, int maxInitialTimestampIndex) {
        this.sp = specials;
        this.maxInitialTimestampIndex = maxInitialTimestampIndex;
    }

    /** {@code sampled} are the tokens after the prompt, {@code count} of them valid. */
    void apply(float[] logits, int[] sampled, int count, boolean timestamps) {
        int vocab = logits.length;
        if (count == 0) {
            for (int t : sp.beginSuppress()) {
                logits[t] = NEG_INF;
            }
        }
        for (int t : sp.suppress()) {
            if (t < vocab) {
                logits[t] = NEG_INF;
            }
        }
        if (timestamps) {
            applyTimestampRules(logits, sampled, count);
        }
    }

    private void applyTimestampRules(float[] logits, int[] seq, int count) {
        int vocab = logits.length;
        int tsBegin = sp.timestampBegin();
        logits[sp.noTimestamps()] = NEG_INF;
        boolean lastWasTimestamp = count >= 1 && seq[count - 1] >= tsBegin;
        boolean penultimateWasTimestamp = count < 2 || seq[count - 2] >= tsBegin;
        if (lastWasTimestamp) {
            if (penultimateWasTimestamp) {
                fill(logits, tsBegin, vocab); // a pair just closed: text (or end) must follow
            } else {
                fill(logits, 0, sp.eot());    // an open timestamp: only its closing timestamp or end-of-text
            }
        }
        int lastTimestamp = -1;
        for (int i = count - 1; i >= 0; i--) {
            if (seq[i] >= tsBegin) {
                lastTimestamp = seq[i];
                break;
            }
        }
        if (lastTimestamp >= 0) {
            // timestamps never decrease; after a closed pair they strictly increase
            int from = lastWasTimestamp && !penultimateWasTimestamp ? lastTimestamp : lastTimestamp + 1;
            fill(logits, tsBegin, Math.min(from, vocab));
        }
        if (count == 0) {
            fill(logits, 0, tsBegin);
            fill(logits, Math.min(vocab, tsBegin + maxInitialTimestampIndex + 1), vocab);
        }
        // if the timestamps together are more likely than any single text token, a timestamp it is
        double logZ = logSumExp(logits, 0, vocab);
        double timestampMass = logSumExp(logits, tsBegin, vocab) - logZ;
        double bestText = NEG_INF;
        for (int i = 0; i < tsBegin; i++) {
            bestText = Math.max(bestText, logits[i]);
        }
        if (timestampMass > bestText - logZ) {
            fill(logits, 0, tsBegin);
        }
    }

    private static void fill(float[] logits, int from, int to) {
        Arrays.fill(logits, from, Math.max(from, to), NEG_INF);
    }

    static double logSumExp(float[] x, int from, int to) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            max = Math.max(max, x[i]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += expNonPositive(x[i] - max);
        }
        return max + Math.log(sum);
    }

    private static final double LN2 = Math.log(2);
    private static final double INV_LN2 = 1 / LN2;

    /**
     * e^x for x &le; 0 to about 1e-11 relative: x = k·ln2 + r with |r| &le; ln2/2, a degree-9 Taylor
     * polynomial for e^r evaluated in pairs (shorter dependency chains than Horner), then 2^k through
     * the exponent bits. About 20 % faster than Math.exp here; it runs over the whole vocabulary at
     * every decoding step, the largest Java cost next to ONNX Runtime itself.
     */
    static double expNonPositive(double x) {
        if (x < -700) {
            return 0;
        }
        double k = Math.floor(x * INV_LN2 + 0.5);
        double r = x - k * LN2;
        double r2 = r * r;
        double p = (1 + r) + r2 * ((0.5 + r * (1.0 / 6)) + r2 * ((1.0 / 24 + r * (1.0 / 120))
                + r2 * ((1.0 / 720 + r * (1.0 / 5040)) + r2 * (1.0 / 40320 + r * (1.0 / 362880)))));
        return p * Double.longBitsToDouble((long) (1023 + (int) k) << 52);
    }
}
