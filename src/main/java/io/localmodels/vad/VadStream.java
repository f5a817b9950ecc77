package io.localmodels.vad;

import io.localmodels.audio.SampleArrays;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One stream's VAD: cuts 16 kHz audio into 512-sample windows, has them scored (Silero, batched
 * with other streams), segments the probabilities, and returns boundary events with the utterance
 * audio. Keeps only the audio an open or upcoming utterance can still need (bounded by the maximum
 * utterance length). Not thread-safe: one call at a time, each after the previous one completed.
 */
public final class VadStream {

    private final WindowScorer scorer;
    private final SileroVad.State state;
    private final SpeechSegmenter segmenter;
    private final float[] partial = new float[SileroVad.WINDOW];
    private int partialFill;
    private long samples;
    private int nextSegmentId;

    /** Recent audio: {@code history[0]} is stream sample {@code historyStart}. */
    private float[] history = new float[SileroVad.SAMPLE_RATE];
    private long historyStart;
    private int historyLen;

    public VadStream(WindowScorer scorer, SileroVad vad, VadParameters params, int firstSegmentId) {
        this.scorer = scorer;
        this.state = vad.newState();
        this.segmenter = new SpeechSegmenter(params, SileroVad.WINDOW, SileroVad.SAMPLE_RATE);
        this.nextSegmentId = firstSegmentId;
    }

    /** Events for the windows this audio completes; the stage completes once they are scored. */
    public CompletionStage<List<VadEvent>> accept(float[] audio16k) {
        appendHistory(audio16k);
        samples += audio16k.length;
        int complete = (partialFill + audio16k.length) / SileroVad.WINDOW;
        float[] windows = new float[complete * SileroVad.WINDOW];
        int w = 0;
        int pos = 0;
        while (pos < audio16k.length) {
            int n = Math.min(SileroVad.WINDOW - partialFill, audio16k.length - pos);
            System.arraycopy(audio16k, pos, partial, partialFill, n);
            partialFill += n;
            pos += n;
            if (partialFill == SileroVad.WINDOW) {
                System.arraycopy(partial, 0, windows, w++ * SileroVad.WINDOW, SileroVad.WINDOW);
                partialFill = 0;
            }
        }
        return scorer.score(state, windows, complete).thenApply(probs -> segment(probs, false));
    }

    /** The utterance being spoken: the id it will get, where it starts (16 kHz samples) and its audio so far. */
    public record OpenSpeech(int segmentId, long startSample, float[] audio) {
    }

    /** Samples the open utterance has so far (cheap; no copy); -1 when no speech is open. */
    public long openSpeechSamples() {
        long start = segmenter.openStart();
        return start < 0 ? -1 : historyStart + historyLen - start;
    }

    /** Where the open utterance starts (16 kHz samples; no copy); -1 when no speech is open. */
    public long openSpeechStart() {
        return segmenter.openStart();
    }

    /** The id the open utterance will get. */
    public int openSegmentId() {
        return nextSegmentId;
    }

    /** The utterance open now, its audio up to the last sample taken (a copy); null when no speech is open. */
    public OpenSpeech openSpeech() {
        long start = segmenter.openStart();
        if (start < 0) {
            return null;
        }
        return new OpenSpeech(nextSegmentId, start, slice(start, historyStart + historyLen));
    }

    /** No speech is open: everything said so far has produced its events. */
    public boolean idle() {
        return segmenter.idle();
    }

    /** End of stream: the last partial window is zero-padded, as Silero does, and speech is closed. */
    public CompletionStage<List<VadEvent>> finish() {
        int count = partialFill > 0 ? 1 : 0;
        float[] last = Arrays.copyOf(partial, SileroVad.WINDOW);
        Arrays.fill(last, partialFill, SileroVad.WINDOW, 0f);
        partialFill = 0;
        return scorer.score(state, last, count).thenApply(probs -> segment(probs, true));
    }

    /**
     * The client's audio paused (its microphone stopped) and may go on later: open speech closes where
     * the scored audio ends, without the zero padding of {@link #finish()}, so the stream's windows stay
     * aligned with its samples; the part of a window not yet complete waits for the audio after the pause.
     */
    public List<VadEvent> pause() {
        List<VadEvent> events = new ArrayList<>();
        translate(segmenter.finish(samples - partialFill), events);
        trimHistory();
        return events;
    }

    private List<VadEvent> segment(float[] probs, boolean end) {
        List<VadEvent> events = new ArrayList<>();
        for (float p : probs) {
            translate(segmenter.accept(p), events);
        }
        if (end) {
            translate(segmenter.finish(samples), events);
        }
        trimHistory();
        return events;
    }

    private void translate(List<SegmentEvent> segmentEvents, List<VadEvent> out) {
        for (SegmentEvent e : segmentEvents) {
            if (e instanceof SegmentEvent.Started s) {
                out.add(new VadEvent.SpeechStarted(s.start() / (double) SileroVad.SAMPLE_RATE));
            } else if (e instanceof SegmentEvent.Stopped s) {
                long end = Math.min(s.end(), historyStart + historyLen);
                out.add(new VadEvent.SpeechStopped(new Utterance(nextSegmentId++, s.start(), s.end(), slice(s.start(), end))));
            }
        }
    }

    private float[] slice(long from, long to) {
        int a = (int) Math.max(0, from - historyStart);
        int b = (int) Math.max(a, Math.min(historyLen, to - historyStart));
        return Arrays.copyOfRange(history, a, b);
    }

    private void appendHistory(float[] audio) {
        history = SampleArrays.append(history, historyLen, audio);
        historyLen += audio.length;
    }

    /** Drops audio no future event can reach (in steps of a second, to copy rarely). */
    private void trimHistory() {
        long keepFrom = segmenter.earliestNeededSample();
        int drop = (int) Math.max(0, Math.min(historyLen, keepFrom - historyStart));
        if (drop > SileroVad.SAMPLE_RATE) {
            System.arraycopy(history, drop, history, 0, historyLen - drop);
            historyLen -= drop;
            historyStart += drop;
        }
    }
}
