package io.localmodels.llm;

/** Why a generation could not run; {@link #code()} is the API error code. */
public final class LlmException extends RuntimeException {

    public enum Kind {
        /** no model, still downloading or loading, or failed: 503 model_unavailable */
        UNAVAILABLE("model_unavailable"),
        /** the queue is full: 503 busy */
        BUSY("busy"),
        /** prompt and answer cap do not fit the context: 400 context_length_exceeded */
        CONTEXT_EXCEEDED("context_length_exceeded"),
        /** llama.cpp refused or failed: 500 generation_failed */
        FAILED("generation_failed");

        private final String code;

        Kind(String code) {
            this.code = code;
        }
    }

    private final Kind kind;

    public LlmException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return kind.code;
    }
}
