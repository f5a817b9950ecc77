package io.localmodels.session;

/** The session store cannot be reached now (PostgreSQL down or unreachable); retrying later may work. */
public final class SessionStoreUnavailableException extends IllegalStateException {

    public SessionStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
