package io.localmodels.vad;

import ai.onnxruntime.OrtException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One stream's VAD: cuts 16 kHz audio into 512-sample windows, runs Silero on each, segments the
 * probabilities, and returns boundary events with the utterance audio. Keeps only the audio an
 * open or upcoming utterance can still need (bounded by the maximum utterance length). Not
 * thread-safe: one caller at a time, in stream order.
 */
public final class VadStream {

    private final SileroVad vad;
    private final SileroVad.State state;
    private final SpeechSegmenter segmenter;
    private final long padSamples;
    private final float[] window = new float[SileroVad.WINDOW];
    private int windowFill;
    private long samples;
    private int nextSegmentId;

    /** Recent audio: {@code history[0]} is stream sample {@code historyStart}. */
    private float[] history = new float[SileroVad.SAMPLE_RATE];
    private long historyStart;
    private int historyLen;

    public VadStream(SileroVad vad, VadParameters params, int firstSegmentId) {
        this.vad = vad;
        this.state = vad.newState();
        this.segmenter = new SpeechSegmenter(params, SileroVad.WINDOW, SileroVad.SAMPLE_RATE);
        this.padSamples = (long) SileroVad.SAMPLE_RATE * params.speechPadMs() / 1000;
        this.nextSegmentId = firstSegmentId;
    }

    /** 16 kHz samples received so far. */
    public long samples() {
        return samples;
    }

    public int nextSegmentId() {
        return nextSegmentId;
    }

    public List<VadEvent> accept(float[] audio16k) throws OrtException {
        List<VadEvent> events = new ArrayList<>();
        appendHistory(audio16k);
        samples += audio16k.length;
        int pos = 0;
        while (pos < audio16k.length) {
            int n = Math.min(SileroVad.WINDOW - windowFill, audio16k.length - pos);
            System.arraycopy(audio16k, pos, window, windowFill, n);
            windowFill += n;
            pos += n;
            if (windowFill == SileroVad.WINDOW) {
                windowFill = 0;
                translate(segmenter.accept(vad.run(state, window, 0)), events);
            }
        }
        trimHistory();
        return events;
    }

    /** End of stream: the last partial window is zero-padded, as Silero does, and speech is closed. */
    public List<VadEvent> finish() throws OrtException {
        List<VadEvent> events = new ArrayList<>();
        if (windowFill > 0) {
            Arrays.fill(window, windowFill, SileroVad.WINDOW, 0f);
            windowFill = 0;
            translate(segmenter.accept(vad.run(state, window, 0)), events);
        }
        translate(segmenter.finish(samples), events);
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
        if (historyLen + audio.length > history.length) {
            history = Arrays.copyOf(history, Math.max(history.length * 2, historyLen + audio.length));
        }
        System.arraycopy(audio, 0, history, historyLen, audio.length);
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
