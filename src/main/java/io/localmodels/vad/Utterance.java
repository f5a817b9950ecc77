package io.localmodels.vad;

/** One padded stretch of speech: 16 kHz mono samples and where they sit in the stream. */
public record Utterance(int segmentId, long startSample, long endSample, float[] samples) {

    public double startSeconds() {
        return startSample / (double) SileroVad.SAMPLE_RATE;
    }

    public double endSeconds() {
        return endSample / (double) SileroVad.SAMPLE_RATE;
    }
}
