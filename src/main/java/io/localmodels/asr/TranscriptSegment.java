package io.localmodels.asr;

/** One recognised segment; times are seconds in the session (or file). */
public record TranscriptSegment(double start, double end, String text, int[] tokens, double avgLogprob,
                                double noSpeechProb, double compressionRatio, double temperature) {
}
