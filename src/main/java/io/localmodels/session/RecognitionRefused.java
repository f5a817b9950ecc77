package io.localmodels.session;

/** An utterance the recogniser would not take; {@code code} is the protocol error code to send. */
public class RecognitionRefused extends RuntimeException {

    private final String code;

    public RecognitionRefused(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
