package io.localmodels.api.errors;

import java.time.Duration;
import java.util.Optional;

/** An error an endpoint answers on purpose, with its status and a stable {@code code}. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final Duration retryAfter;

    public ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public ApiException(int status, String code, String message, Duration retryAfter) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }
}
