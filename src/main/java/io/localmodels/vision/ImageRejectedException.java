package io.localmodels.vision;

/** An image the service refuses; {@code reason} is a stable code (too_large, too_many_pixels, unsupported_type, corrupt). */
public class ImageRejectedException extends Exception {

    private final String reason;

    public ImageRejectedException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
