package io.localmodels.tts;

/** Where synthesized speech goes, chunk by chunk, on the synthesis thread. */
public interface SpeechSink {

    /** The next chunk: 16-bit mono at {@link SpeechService#SAMPLE_RATE}. */
    void audio(short[] pcm);

    /** The listener went away: the synthesis stops at its next chunk. */
    boolean cancelled();

    /** The last chunk went out (not called when the synthesis failed). */
    default void done() {
    }
}
