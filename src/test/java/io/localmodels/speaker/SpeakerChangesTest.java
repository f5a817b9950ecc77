package io.localmodels.speaker;

import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A change of speaker inside one utterance, with the built-in voice print, on real voices: two turns
 * of falcon_3speakers.wav joined without a pause are cut near the join; one person talking is not cut.
 */
class SpeakerChangesTest {

    private static final SpeakerChanges CHANGES = new SpeakerChanges(new CepstralEmbedder(), 0.6);

    private static float[] falcon(double from, double to) throws Exception {
        float[] all = Wav.read(SharedFiles.require("audio/picovoice/falcon_3speakers.wav")).mono();
        return Arrays.copyOfRange(all, (int) (from * 16_000), (int) (to * 16_000));
    }

    @Test
    void twoVoicesWithoutAPauseAreCutNearWhereTheSecondBegins() throws Exception {
        float[] second = falcon(6.0, 11.11);
        float[] third = falcon(12.8, 18.02);
        float[] joined = Arrays.copyOf(second, second.length + third.length);
        System.arraycopy(third, 0, joined, second.length, third.length);

        List<SpeakerChanges.Part> parts = CHANGES.split(joined);
        System.out.printf("cut at %s s, the voices join at %.2f s%n",
                parts.stream().skip(1).map(p -> String.format("%.2f", p.start() / 16_000.0)).toList(), second.length / 16_000.0);
        assertEquals(2, parts.size(), "one cut: " + parts.size() + " parts");
        assertEquals(second.length / 16_000.0, parts.get(1).start() / 16_000.0, 0.75);
        assertEquals(0, parts.get(0).start());
        assertEquals(joined.length, parts.get(1).end());
        assertEquals(parts.get(0).end(), parts.get(1).start());
    }

    @Test
    void onePersonTalkingIsNotCut() throws Exception {
        assertEquals(1, CHANGES.split(falcon(6.0, 11.11)).size(), "falcon's second speaker");
        assertEquals(1, CHANGES.split(falcon(12.8, 18.02)).size(), "falcon's third speaker");
        assertEquals(1, CHANGES.split(Wav.read(SharedFiles.require("audio/jfk.wav")).mono()).size(), "jfk.wav");
    }

    @Test
    void theFramesOfTheWholeUtteranceGiveEachWindowTheVoicePrintOfItsOwnSamples() throws Exception {
        CepstralEmbedder e = new CepstralEmbedder();
        float[] audio = falcon(6.0, 18.02);
        float[][] frames = e.frames(audio);
        // a window starting on a frame boundary (as every search window does: 12 000 = 75 × 160 samples)
        for (int at : new int[] {0, 12_000, 36_000, 96_000}) {
            float[] own = e.embed(Arrays.copyOfRange(audio, at, at + SpeakerChanges.WINDOW));
            float[] shared = e.embedFrames(frames, at / Fbank.SHIFT, at / Fbank.SHIFT + Fbank.frames(SpeakerChanges.WINDOW));
            assertArrayEquals(own, shared, "window at " + at);
        }
        assertArrayEquals(e.embed(audio), e.embedFrames(frames, 0, frames.length), "the whole utterance");
    }

    @Test
    void tooShortToHoldTwoPartsIsOnePartWithItsVoicePrint() throws Exception {
        List<SpeakerChanges.Part> parts = CHANGES.split(falcon(6.0, 8.9));
        assertEquals(1, parts.size());
        assertEquals(22, parts.get(0).embedding().length);
    }
}
