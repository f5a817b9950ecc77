package io.localmodels.vad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Streaming form of Silero's {@code get_speech_timestamps}: the same thresholds with hysteresis,
 * minimum speech and silence, padding, and maximum length, fed one window probability at a time.
 * Where Silero hard-cuts an over-long utterance with no pause to cut at, this splits at the
 * quietest window instead. Events come as soon as they are certain: {@code Started} when the
 * speech is long enough to be kept, {@code Stopped} when the silence is long enough.
 */
public final class SpeechSegmenter {

    private final VadParameters p;
    private final int window;
    private final long minSpeech;
    private final long minSilence;
    private final long pad;
    private final long maxSpeech;
    private final long minSilenceAtMaxSpeech;

    private long index;
    private boolean triggered;
    private long start;
    private long tempEnd;
    private long prevEnd;
    private long nextStart;
    private boolean startedSent;
    /** Probabilities since {@code start}, to find the quietest point of an over-long utterance. */
    private float[] probs = new float[64];
    private int probCount;

    /** A closed utterance whose end padding waits for the next start (or enough silence). */
    private long pendingStart = -1;
    private long pendingEnd;
    private long lastPaddedEnd;

    public SpeechSegmenter(VadParameters p, int windowSamples, int sampleRate) {
        this.p = p;
        this.window = windowSamples;
        this.minSpeech = (long) sampleRate * p.minSpeechMs() / 1000;
        this.minSilence = (long) sampleRate * p.minSilenceMs() / 1000;
        this.pad = (long) sampleRate * p.speechPadMs() / 1000;
        this.maxSpeech = (long) (sampleRate * p.maxSpeechS()) - windowSamples - 2 * pad;
        this.minSilenceAtMaxSpeech = (long) sampleRate * 98 / 1000;
    }

    /** No speech open and none waiting for its end padding: a point where the stream can be cut. */
    public boolean idle() {
        return !triggered && pendingStart < 0;
    }

    /** Where the utterance now open starts (padded), once its start has been announced; -1 when none is. */
    public long openStart() {
        return triggered && startedSent ? paddedStart() : -1;
    }

    /** The earliest stream sample an event not yet emitted can start at (its audio must be kept). */
    public long earliestNeededSample() {
        long earliest = Math.max(0, index * window - pad - window);
        if (triggered) {
            earliest = Math.min(earliest, paddedStart());
        }
        if (pendingStart >= 0) {
            earliest = Math.min(earliest, pendingStart);
        }
        return earliest;
    }

    /** Feeds the speech probability of the next window. */
    public List<SegmentEvent> accept(float prob) {
        List<SegmentEvent> out = new ArrayList<>(2);
        long cur = index * window;
        index++;
        step(prob, cur, out);
        if (pendingStart >= 0 && cur - pendingEnd >= 2 * pad) {
            emitPending(out, pendingEnd + pad);
        }
        if (triggered && !startedSent && (tempEnd != 0 ? tempEnd : cur) - start > minSpeech) {
            announce(out);
        }
        return out;
    }

    private void step(float prob, long cur, List<SegmentEvent> out) {
        if (triggered) {
            record(prob);
        }
        if (prob >= p.threshold() && tempEnd != 0) {
            tempEnd = 0;
            if (nextStart < prevEnd) {
                nextStart = cur;
            }
        }
        if (prob >= p.threshold() && !triggered) {
            open(cur, out);
            probCount = 0;
            record(prob);
            return;
        }
        if (triggered && cur - start > maxSpeech) {
            long oldStart = start;
            if (prevEnd != 0) {
                // Silero's split: end at the last pause of ≥ 98 ms, resume where speech came back.
                boolean resumes = nextStart >= prevEnd;
                long resumeAt = nextStart;
                close(prevEnd, out);
                if (resumes) {
                    open(resumeAt, out);
                    keepProbsFrom(oldStart, resumeAt);
                }
            } else {
                // No pause at all: split at the quietest window rather than mid-word.
                long cut = quietestPoint();
                close(cut, out);
                open(cut, out);
                keepProbsFrom(oldStart, cut);
                return;
            }
        }
        if (prob < p.negThreshold() && triggered) {
            if (tempEnd == 0) {
                tempEnd = cur;
            }
            if (cur - tempEnd > minSilenceAtMaxSpeech) {
                prevEnd = tempEnd;
            }
            if (cur - tempEnd >= minSilence) {
                if (tempEnd - start > minSpeech) {
                    close(tempEnd, out);
                } else {
                    reset();
                }
            }
        }
    }

    /** End of input: closes an open utterance that is long enough. */
    public List<SegmentEvent> finish(long totalSamples) {
        List<SegmentEvent> out = new ArrayList<>(2);
        if (triggered && totalSamples - start > minSpeech) {
            close(totalSamples, out);
        } else {
            reset();
        }
        if (pendingStart >= 0) {
            emitPending(out, Math.min(totalSamples, pendingEnd + pad));
        }
        return out;
    }

    private void open(long at, List<SegmentEvent> out) {
        triggered = true;
        start = at;
        startedSent = false;
        if (pendingStart >= 0) {
            long gap = at - pendingEnd;
            emitPending(out, gap < 2 * pad ? pendingEnd + gap / 2 : pendingEnd + pad);
        }
    }

    private void close(long end, List<SegmentEvent> out) {
        if (!startedSent) {
            announce(out);
        }
        pendingStart = paddedStart();
        pendingEnd = end;
        reset();
    }

    private void reset() {
        triggered = false;
        prevEnd = nextStart = tempEnd = 0;
    }

    private void keepProbsFrom(long oldStart, long newStart) {
        int shift = (int) Math.min(probCount, (newStart - oldStart) / window);
        System.arraycopy(probs, shift, probs, 0, probCount - shift);
        probCount -= shift;
    }

    private void announce(List<SegmentEvent> out) {
        startedSent = true;
        out.add(new SegmentEvent.Started(paddedStart()));
    }

    private long paddedStart() {
        return Math.max(lastPaddedEnd, start - pad);
    }

    private void emitPending(List<SegmentEvent> out, long paddedEnd) {
        out.add(new SegmentEvent.Stopped(pendingStart, paddedEnd));
        lastPaddedEnd = paddedEnd;
        pendingStart = -1;
    }

    private void record(float prob) {
        if (probCount == probs.length) {
            probs = Arrays.copyOf(probs, probs.length * 2);
        }
        probs[probCount++] = prob;
    }

    /** Start of the least speech-like window past the utterance's first {@code min_speech} (so no piece is too short to keep). */
    private long quietestPoint() {
        int from = Math.min(probCount - 1, (int) Math.max(1, minSpeech / window + 1));
        int best = from;
        for (int i = from; i < probCount; i++) {
            if (probs[i] < probs[best]) {
                best = i;
            }
        }
        return start + (long) best * window;
    }
}
