package io.localmodels.asr;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;

/** Word error rate after a light normalisation (case, accents kept, punctuation dropped). */
final class WordErrorRate {

    private WordErrorRate() {
    }

    static String[] words(String text) {
        String t = Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}' ]+", " ").strip();
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }

    static double of(String reference, String hypothesis) {
        String[] r = words(reference);
        String[] h = words(hypothesis);
        int[] prev = new int[h.length + 1];
        int[] cur = new int[h.length + 1];
        for (int j = 0; j <= h.length; j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= r.length; i++) {
            cur[0] = i;
            for (int j = 1; j <= h.length; j++) {
                int sub = prev[j - 1] + (r[i - 1].equals(h[j - 1]) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return r.length == 0 ? (h.length == 0 ? 0 : 1) : prev[h.length] / (double) r.length;
    }

    static String join(String[] words) {
        return String.join(" ", Arrays.asList(words));
    }
}
