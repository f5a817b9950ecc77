package io.localmodels.audio;

/** A frame that cannot be decoded; the frame is dropped, the stream goes on. */
public class CorruptAudioException extends Exception {

    public CorruptAudioException(String message, Throwable cause) {
        super(message, cause);
    }
}
