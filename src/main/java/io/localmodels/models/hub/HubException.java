package io.localmodels.models.hub;

import java.io.IOException;

/** A Hub fetch that failed, with what the operator can do about it. */
public class HubException extends IOException {

    public enum Kind {
        /** 401/403: private or gated repository, or a token without access. */
        UNAUTHORIZED,
        /** 404: no such repository, revision, or file for that precision. */
        NOT_FOUND,
        /** the Hub could not be reached, or HF_HUB_OFFLINE and the cache lacks it. */
        OFFLINE,
        DISK_FULL,
        CHECKSUM,
        /** anything else the Hub answered (5xx, a malformed listing). */
        FAILED
    }

    private final Kind kind;
    private final String hint;

    public HubException(Kind kind, String message, String hint) {
        this(kind, message, hint, null);
    }

    public HubException(Kind kind, String message, String hint, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.hint = hint;
    }

    public Kind kind() {
        return kind;
    }

    /** The fix, in one sentence. */
    public String hint() {
        return hint;
    }

    /** Message and fix together, as logs and readiness show them. */
    public String describe() {
        return hint == null ? getMessage() : getMessage() + " — " + hint;
    }
}
