package io.localmodels.asr;

import java.util.List;

/**
 * What one request came out as. {@code dropped} says why Whisper's own hallucination checks threw
 * the window away (then {@code segments} is empty); null when kept. {@code tokens} are every sampled
 * token (timestamps included, end-of-text excluded), kept even when the window is dropped.
 */
public record Transcription(String language, double languageProbability, int[] tokens, List<TranscriptSegment> segments,
                            double avgLogprob, double noSpeechProb, double compressionRatio, String dropped) {

    public String text() {
        StringBuilder b = new StringBuilder();
        for (TranscriptSegment s : segments) {
            b.append(s.text());
        }
        return b.toString().strip();
    }
}
