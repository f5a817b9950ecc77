package io.localmodels.speaker;

import com.fasterxml.jackson.databind.JsonNode;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.SpeakerFixtures;
import io.localmodels.testing.Wav;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kaldi fbank against the generator's numpy implementation of Kaldi's algorithm, on real speech. */
class FbankTest {

    @Test
    void matchesKaldisAlgorithmOnTheFirstSecondOfJfk() throws Exception {
        JsonNode golden = SpeakerFixtures.goldens().get("fbank_first_second");
        float[] audio = Arrays.copyOf(Wav.read(SharedFiles.require("audio/jfk.wav")).mono(), 16_000);
        float[][] f = new Fbank(Fbank.Options.kaldi(80, 1.0)).compute(audio);
        assertEquals(98, f.length, "1 + (16000 - 400) / 160 frames");
        assertEquals(golden.size(), f.length);
        double worst = 0;
        for (int t = 0; t < f.length; t++) {
            for (int b = 0; b < 80; b++) {
                worst = Math.max(worst, Math.abs(f[t][b] - golden.get(t).get(b).asDouble()));
            }
        }
        System.out.printf("fbank vs numpy Kaldi: largest difference %.2e%n", worst);
        assertTrue(worst < 2e-3, "largest difference " + worst);
    }

    @Test
    void shortAudioHasNoFrames() {
        assertEquals(0, new Fbank(Fbank.Options.kaldi(80, 1.0)).compute(new float[399]).length);
        assertEquals(1, Fbank.frames(400));
        assertEquals(2, Fbank.frames(560));
    }
}
