package io.localmodels.speaker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Diarization error rate as NIST's md-eval scores it for speech without overlap: over 10 ms frames
 * outside a collar around every reference boundary, (missed + false alarm + confusion) / reference
 * speech, with hypothesis labels mapped one-to-one onto reference speakers to agree the most.
 */
public final class DiarizationError {

    public record Turn(String speaker, double start, double end) {
    }

    public record Score(double der, double missed, double falseAlarm, double confusion, double speech) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "DER %.1f%% (missed %.2f s, false alarm %.2f s, confusion %.2f s of %.2f s)",
                    der * 100, missed, falseAlarm, confusion, speech);
        }
    }

    private static final double FRAME = 0.01;

    private DiarizationError() {
    }

    public static Score score(List<Turn> reference, List<Turn> hypothesis, double collar) {
        double end = 0;
        for (Turn t : reference) {
            end = Math.max(end, t.end());
        }
        for (Turn t : hypothesis) {
            end = Math.max(end, t.end());
        }
        int frames = (int) Math.ceil(end / FRAME) + 1;
        String[] ref = new String[frames];
        String[] hyp = new String[frames];
        boolean[] scored = new boolean[frames];
        Arrays.fill(scored, true);
        for (Turn t : reference) {
            fill(ref, t);
            for (double edge : new double[] {t.start(), t.end()}) {
                for (int f = Math.max(0, (int) Math.floor((edge - collar) / FRAME)); f < Math.min(frames, Math.ceil((edge + collar) / FRAME)); f++) {
                    scored[f] = false;
                }
            }
        }
        for (Turn t : hypothesis) {
            fill(hyp, t);
        }
        List<String> refs = distinct(ref);
        List<String> hyps = distinct(hyp);
        int[][] overlap = new int[hyps.size()][refs.size()];
        for (int f = 0; f < frames; f++) {
            if (scored[f] && ref[f] != null && hyp[f] != null) {
                overlap[hyps.indexOf(hyp[f])][refs.indexOf(ref[f])]++;
            }
        }
        int[] mapping = bestMapping(overlap, refs.size());
        double missed = 0;
        double falseAlarm = 0;
        double confusion = 0;
        double speech = 0;
        for (int f = 0; f < frames; f++) {
            if (!scored[f]) {
                continue;
            }
            if (ref[f] != null) {
                speech++;
            }
            if (ref[f] != null && hyp[f] == null) {
                missed++;
            } else if (ref[f] == null && hyp[f] != null) {
                falseAlarm++;
            } else if (ref[f] != null) {
                int m = mapping[hyps.indexOf(hyp[f])];
                if (m < 0 || !refs.get(m).equals(ref[f])) {
                    confusion++;
                }
            }
        }
        return new Score((missed + falseAlarm + confusion) / speech, missed * FRAME, falseAlarm * FRAME, confusion * FRAME, speech * FRAME);
    }

    private static void fill(String[] frames, Turn t) {
        for (int f = (int) Math.round(t.start() / FRAME); f < Math.min(frames.length, Math.round(t.end() / FRAME)); f++) {
            frames[f] = t.speaker();
        }
    }

    private static List<String> distinct(String[] frames) {
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (String s : frames) {
            if (s != null && seen.add(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Every one-to-one mapping tried (a handful of speakers): hypothesis index → reference index or -1. */
    private static int[] bestMapping(int[][] overlap, int refs) {
        int[] best = new int[overlap.length];
        Arrays.fill(best, -1);
        int[] current = best.clone();
        search(overlap, refs, 0, new boolean[refs], current, 0, best, new int[] {-1});
        return best;
    }

    private static void search(int[][] overlap, int refs, int h, boolean[] used, int[] current, int total, int[] best, int[] bestTotal) {
        if (h == overlap.length) {
            if (total > bestTotal[0]) {
                bestTotal[0] = total;
                System.arraycopy(current, 0, best, 0, current.length);
            }
            return;
        }
        current[h] = -1;
        search(overlap, refs, h + 1, used, current, total, best, bestTotal);
        for (int r = 0; r < refs; r++) {
            if (!used[r]) {
                used[r] = true;
                current[h] = r;
                search(overlap, refs, h + 1, used, current, total + overlap[h][r], best, bestTotal);
                used[r] = false;
            }
        }
        current[h] = -1;
    }
}
