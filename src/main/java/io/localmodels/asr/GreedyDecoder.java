package io.localmodels.asr;

import ai.onnxruntime.OrtException;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Batched greedy (or, for the temperature fallback, sampled) decoding with the KV cache, following
 * openai/whisper's decoding.py: each row stops at end-of-text (finished rows keep receiving it while
 * the others go on), the sum of log-probabilities counts every sampled token including the final
 * end-of-text, and no_speech_prob is read at the start-of-transcript position of the first step.
 */
final class GreedyDecoder {

    record Row(long[] prompt, int sotIndex, boolean timestamps) {
    }

    record Decoded(int[] tokens, double sumLogprob, double noSpeechProb, boolean reachedEnd) {
        double avgLogprob() {
            return sumLogprob / (tokens.length + 1);
        }
    }

    private final WhisperOnnxModel model;
    private final SpecialTokens sp;
    private final LogitRules rules;

    GreedyDecoder(WhisperOnnxModel model, int maxInitialTimestampIndex) {
        this.model = model;
        this.sp = model.config().specials();
        this.rules = new LogitRules(sp, maxInitialTimestampIndex);
    }

    /** Rows must share the prompt length. {@code temperature} 0 is greedy; above 0 samples with {@code random}. */
    List<Decoded> decode(WhisperOnnxModel.Encoded encoded, List<Row> rows, int maxNewTokens, boolean useCache,
                         double temperature, Random random) throws OrtException {
        int batch = rows.size();
        int vocab = model.config().vocabSize();
        int promptLength = rows.get(0).prompt().length;
        int[][] sampled = new int[batch][maxNewTokens];
        int[] count = new int[batch];
        double[] sum = new double[batch];
        double[] noSpeech = new double[batch];
        boolean[] done = new boolean[batch];
        float[] row = new float[vocab];
        try (WhisperDecoding decoding = model.decoding(encoded, useCache)) {
            long[][] next = new long[batch][];
            for (int r = 0; r < batch; r++) {
                if (rows.get(r).prompt().length != promptLength) {
                    throw new IllegalArgumentException("rows of one batch must share the prompt length");
                }
                next[r] = rows.get(r).prompt();
            }
            for (int step = 0; step < maxNewTokens; step++) {
                FloatBuffer logits = decoding.step(next);
                int positions = logits.limit() / (batch * vocab);
                for (int r = 0; r < batch; r++) {
                    if (step == 0) {
                        int at = (r * positions + rows.get(r).sotIndex()) * vocab;
                        logits.get(at, row, 0, vocab);
                        noSpeech[r] = Math.exp(row[sp.noSpeech()] - LogitRules.logSumExp(row, 0, vocab));
                    }
                    int token;
                    if (done[r]) {
                        token = sp.eot();
                    } else {
                        logits.get((r * positions + positions - 1) * vocab, row, 0, vocab);
                        rules.apply(row, sampled[r], count[r], rows.get(r).timestamps());
                        token = temperature > 0 ? sample(row, temperature, random) : argmax(row);
                        sum[r] += row[token] - LogitRules.logSumExp(row, 0, vocab);
                        if (token == sp.eot()) {
                            done[r] = true;
                        } else {
                            sampled[r][count[r]++] = token;
                        }
                    }
                    next[r] = new long[]{token};
                }
                if (allDone(done)) {
                    break;
                }
            }
        }
        List<Decoded> out = new ArrayList<>(batch);
        for (int r = 0; r < batch; r++) {
            out.add(new Decoded(Arrays.copyOf(sampled[r], count[r]), sum[r], noSpeech[r], done[r]));
        }
        return out;
    }

    /** Language of each row from the language-token logits after a lone start-of-transcript. */
    List<LanguageGuess> detectLanguage(WhisperOnnxModel.Encoded encoded, int batch) throws OrtException {
        int vocab = model.config().vocabSize();
        int[] ids = sp.languages().values().stream().mapToInt(Integer::intValue).toArray();
        List<LanguageGuess> out = new ArrayList<>(batch);
        try (WhisperDecoding decoding = model.decoding(encoded, true)) {
            long[][] sot = new long[batch][];
            Arrays.fill(sot, new long[]{sp.sot()});
            FloatBuffer logits = decoding.step(sot);
            for (int r = 0; r < batch; r++) {
                int base = r * vocab;
                double max = Double.NEGATIVE_INFINITY;
                int best = -1;
                for (int id : ids) {
                    if (logits.get(base + id) > max || (logits.get(base + id) == max && id < best)) {
                        max = logits.get(base + id);
                        best = id;
                    }
                }
                double z = 0;
                for (int id : ids) {
                    z += Math.exp(logits.get(base + id) - max);
                }
                out.add(new LanguageGuess(sp.languageOf(best), 1.0 / z));
            }
        }
        return out;
    }

    record LanguageGuess(String language, double probability) {
    }

    private static boolean allDone(boolean[] done) {
        for (boolean d : done) {
            if (!d) {
                return false;
            }
        }
        return true;
    }

    /** First maximum, as torch.argmax. */
    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int sample(float[] logits, double temperature, Random random) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] p = new double[logits.length];
        double z = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            z += p[i];
        }
        double u = random.nextDouble() * z;
        for (int i = 0; i < p.length; i++) {
            u -= p[i];
            if (u <= 0 && p[i] > 0) {
                return i;
            }
        }
        return argmax(logits);
    }
}
