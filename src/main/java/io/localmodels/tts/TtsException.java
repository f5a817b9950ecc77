package io.localmodels.tts;

/** Speech output refused or failed; {@link #kind()} says which, so that each API can answer in its own shape. */
public class TtsException extends RuntimeException {

    public enum Kind {
        /** Bad input: empty or too long text, an unknown voice, a speed out of range. */
        INVALID,
        /** The synthesis queue is full: retry shortly. */
        BUSY,
        /** No speech output here (off, or its library is missing): the reason says which. */
        UNAVAILABLE,
        /** The synthesizer failed on a valid request. */
        FAILED
    }

    private final Kind kind;

    public TtsException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
