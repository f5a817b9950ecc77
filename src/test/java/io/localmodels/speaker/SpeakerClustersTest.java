package io.localmodels.speaker;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Online labels and the end-of-session pass, on vectors whose angles say how alike they are. */
class SpeakerClustersTest {

    /** A unit vector in the plane at {@code degrees}, plus a small third component. */
    private static float[] at(double degrees) {
        double r = Math.toRadians(degrees);
        return new float[] {(float) Math.cos(r), (float) Math.sin(r), 0.01f};
    }

    private static List<String> assign(SpeakerClusters c, double... degrees) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < degrees.length; i++) {
            labels.add(c.assign(i + 1, Double.isNaN(degrees[i]) ? null : at(degrees[i]), 1.0));
        }
        return labels;
    }

    private static List<String> finals(SpeakerClusters c, int n) {
        Map<Integer, String> f = c.finalLabels();
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(f.get(i));
        }
        return out;
    }

    @Test
    void alikeUtterancesShareASpeakerAndADifferentVoiceStartsTheNext() {
        // cos 0.8 is about 37°: 10° apart is the same voice, 90° another
        SpeakerClusters c = new SpeakerClusters(0.8, 8);
        assertEquals(List.of("S1", "S1", "S2", "S1", "S2", "S3"), assign(c, 0, 10, 90, 5, 95, 200));
        assertEquals(3, c.speakers());
        assertEquals(List.of("S1", "S1", "S2", "S1", "S2", "S3"), finals(c, 6));
    }

    @Test
    void pastTheMaximumAnUtteranceJoinsTheNearestSpeaker() {
        SpeakerClusters c = new SpeakerClusters(0.8, 2);
        assertEquals(List.of("S1", "S2", "S2", "S1"), assign(c, 0, 90, 170, 20));
    }

    @Test
    void anUtteranceWithoutAVoicePrintKeepsThePreviousSpeaker() {
        SpeakerClusters c = new SpeakerClusters(0.8, 8);
        assertEquals(List.of("S1", "S2", "S2", "S1", "S1"), assign(c, 0, 90, Double.NaN, 0, Double.NaN));
        assertEquals(List.of("S1", "S2", "S2", "S1", "S1"), finals(c, 5));
    }

    @Test
    void aPrintOfAnotherSizeIsTreatedAsNone() {
        SpeakerClusters c = new SpeakerClusters(0.8, 8);
        assertEquals(List.of("S1", "S2"), assign(c, 0, 90));
        assertEquals("S2", c.assign(3, new float[] {1, 0, 0, 0, 0}, 1.0));
        assertEquals(2, c.speakers());
        assertEquals("S2", c.finalLabels().get(3));
    }

    @Test
    void theFinalPassMergesSpeakersThatTurnedOutAlikeAndNumbersThemAgain() {
        // one voice whose second utterance was off (40°) starts S2 online; the utterances between
        // (19-22°, nearer 0° than 40°) pull S1 towards it until the two centroids are as alike as the threshold
        SpeakerClusters c = new SpeakerClusters(0.8, 8);
        List<String> online = assign(c, 0, 40, 19, 20, 21, 22, 200);
        assertEquals(List.of("S1", "S2", "S1", "S1", "S1", "S1", "S3"), online);
        assertEquals(List.of("S1", "S1", "S1", "S1", "S1", "S1", "S2"), finals(c, 7));
    }
}
