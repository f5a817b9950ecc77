package io.localmodels.asr;

/** No Whisper model is loaded (none configured, still loading, or it failed); the message says which. */
public class AsrUnavailableException extends RuntimeException {
    public AsrUnavailableException(String message) {
        super(message);
    }
}
