package io.localmodels.session;

import io.localmodels.analysis.TranscriptLine;

import java.util.List;

/**
 * Speech a session had already turned into stored segments when its process stopped after its last
 * checkpoint (kill -9 between two checkpoints). The client re-sends from the checkpoint, the VAD finds
 * the same utterances again (with boundaries a few milliseconds off, its state having restarted), and
 * these tell them apart from new speech by their overlap with what is stored.
 */
final class StoredSpeech {

    /** How far a re-found start may fall before a stored segment's start (the VAD's padding, restarted). */
    private static final double START_SLACK_S = 0.3;

    private final double[] starts;
    private final double[] ends;

    /** {@code lines}: the stored segments; only those ending after {@code checkpointSeconds} can come again. */
    StoredSpeech(List<TranscriptLine> lines, double checkpointSeconds) {
        List<TranscriptLine> after = lines.stream().filter(l -> l.end() > checkpointSeconds).toList();
        starts = after.stream().mapToDouble(TranscriptLine::start).toArray();
        ends = after.stream().mapToDouble(TranscriptLine::end).toArray();
    }

    /** An utterance most of which a stored segment already covers. */
    boolean holds(double start, double end) {
        double length = Math.max(end - start, 1e-3);
        for (int i = 0; i < starts.length; i++) {
            double overlap = Math.min(end, ends[i]) - Math.max(start, starts[i]);
            if (overlap > length / 2) {
                return true;
            }
        }
        return false;
    }

    /** Speech starting inside (or just before) a stored segment: the start of one found again. */
    boolean holdsStart(double start) {
        for (int i = 0; i < starts.length; i++) {
            if (start >= starts[i] - START_SLACK_S && start < ends[i]) {
                return true;
            }
        }
        return false;
    }
}
