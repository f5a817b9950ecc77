package io.localmodels.speaker;

/**
 * Turns a stretch of one person's speech into a vector; the cosine of two vectors says how alike the
 * voices are. Implementations are safe to call from
 * several threads at once.
 */
public interface SpeakerEmbedder extends AutoCloseable {

    /** 16 kHz mono samples in [-1, 1]; at least {@link #minSamples()} of them. */
    float[] embed(float[] audio16k);

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
