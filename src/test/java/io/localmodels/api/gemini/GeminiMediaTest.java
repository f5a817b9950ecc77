package io.localmodels.api.gemini;

import io.localmodels.asr.FileTranscriber;
import io.localmodels.asr.TranscriptSegment;
import io.localmodels.vision.Box;
import io.localmodels.vision.Risk;
import io.localmodels.vision.VisionResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The text an LLM reads for an image or audio part of a Gemini request. */
class GeminiMediaTest {

    @Test
    void anImageIsItsObjectsWhereTheyAreItsRisksAndItsDescription() {
        VisionResult r = new VisionResult(null, "f1", VisionResult.OK, "en", null, "A dog in front, a car on the right.",
                List.of(new VisionResult.DetectedObject("dog", 0.9, new Box(0.1, 0.4, 0.2, 0.5)),
                        new VisionResult.DetectedObject("car", 0.8, new Box(0.7, 0.2, 0.3, 0.2))),
                List.of(new Risk(Risk.Level.high, "a car close on the right", "large vehicle")), List.of(), Map.of(), null);
        assertEquals("[Image. Objects seen: dog (left, 10% of the picture); car (right, 6% of the picture); Risks: high: a car close on"
                + " the right; Description: A dog in front, a car on the right.]", GeminiMedia.describe(r));
        VisionResult empty = new VisionResult(null, "f2", VisionResult.OK, "en", null, null, List.of(), List.of(), List.of(), Map.of(), null);
        assertEquals("[Image. Objects seen: none]", GeminiMedia.describe(empty));
    }

    @Test
    void anAudioPartIsItsTranscript() {
        assertEquals("[Audio, 11.0 s, language en. Transcript: And so my fellow Americans]",
                GeminiMedia.describe(new FileTranscriber.FileTranscript("en", 11.0, List.of(
                        new TranscriptSegment(0, 2, " And so", new int[0], -0.1, 0.01, 1.2, 0),
                        new TranscriptSegment(2, 4, " my fellow Americans", new int[0], -0.1, 0.01, 1.2, 0)), 0)));
        assertEquals("[Audio, 2.0 s. Transcript: (no speech)]",
                GeminiMedia.describe(new FileTranscriber.FileTranscript(null, 2.0, List.of(), 0)));
    }
}
