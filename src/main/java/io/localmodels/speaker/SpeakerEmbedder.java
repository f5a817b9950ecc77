package io.localmodels.speaker;

/**
 * Turns a stretch of one person's speech into a vector; the cosine of two vectors says how alike the
 * voices are. Implementations are safe to call from
 * several threads at once.
 */
public interface SpeakerEmbedder extends AutoCloseable {

    /** 16 kHz mono samples in [-1, 1]; at least {@link #minSamples()} of them. */
    float[] embed(float[] audio16k);

    /**
     * Frame features of the audio (one row per 10 ms frame, {@link Fbank}'s framing) when the vector
     * is computed from such frames; then {@link #embedFrames} of a row range gives the vector of the
     * samples those rows cover, so several stretches of one utterance cost one feature pass. Null
     * when the embedder does not work on frames.
     */
    default float[][] frames(float[] audio16k) {
        return null;
    }

    /** The vector of rows [from, to) of {@link #frames}' result (not changed). */
    default float[] embedFrames(float[][] frames, int from, int to) {
        throw new UnsupportedOperationException(name() + " does not work on frames");
    }

    /** The shortest stretch that gives a usable vector. */
    default int minSamples() {
        return Fbank.SAMPLE_RATE / 2;
    }

    /** What the service reports as the model (health, logs). */
    String name();

    @Override
    default void close() {
    }
}
