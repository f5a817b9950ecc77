package io.localmodels.vad;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The split of an utterance longer than max_speech_s, on hand-made probabilities (512-sample windows
 * at 16 kHz; threshold 0.5, negative threshold 0.35, min speech 250 ms, min silence 500 ms, pad 30 ms,
 * max speech 1 s, so a split comes once speech has run past 14528 samples: at window 29).
 */
class SpeechSegmenterTest {

    static final VadParameters PARAMS = new VadParameters(0.5, 0.35, 250, 500, 30, 1.0);

    static List<SegmentEvent> run(float[] probs) {
        SpeechSegmenter s = new SpeechSegmenter(PARAMS, 512, 16000);
        List<SegmentEvent> events = new ArrayList<>();
        for (float p : probs) {
            events.addAll(s.accept(p));
        }
        events.addAll(s.finish(probs.length * 512L));
        return events;
    }

    static float[] speech(int windows) {
        float[] p = new float[windows];
        Arrays.fill(p, 0.9f);
        return p;
    }

    /** As Silero's get_speech_timestamps: the first piece ends at the pause (+ pad), the next starts where speech came back (− pad). */
    @Test
    void anOverLongUtteranceIsSplitAtItsLastPauseOf98msOrMore() {
        float[] p = speech(40);
        for (int w = 10; w <= 14; w++) {
            p[w] = 0.1f; // 160 ms below the negative threshold: a pause, too short to end the speech (500 ms)
        }
        List<SegmentEvent> events = run(p);
        assertEquals(List.of(
                new SegmentEvent.Started(0),
                new SegmentEvent.Stopped(0, 10 * 512 + 480),
                new SegmentEvent.Started(15 * 512 - 480),
                new SegmentEvent.Stopped(15 * 512 - 480, 40 * 512)), events);
    }

    /**
     * With no pause, Silero cuts where the limit is reached (window 29), mid-word; the service cuts
     * at the least speech-like window instead (window 15, probability 0.4: not a pause, not speech).
     */
    @Test
    void anOverLongUtteranceWithoutAPauseIsSplitAtItsQuietestWindow() {
        float[] p = speech(40);
        p[15] = 0.4f;
        p[22] = 0.45f;
        List<SegmentEvent> events = run(p);
        assertEquals(List.of(
                new SegmentEvent.Started(0),
                new SegmentEvent.Stopped(0, 15 * 512),
                new SegmentEvent.Started(15 * 512),
                new SegmentEvent.Stopped(15 * 512, 40 * 512)), events);
    }
}
