package io.localmodels.vision;

/** The vision queue is full; the caller should retry after a short wait. */
public class VisionBusyException extends Exception {

    public VisionBusyException(String message) {
        super(message);
    }
}
