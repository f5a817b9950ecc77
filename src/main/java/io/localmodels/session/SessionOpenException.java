package io.localmodels.session;

/** A config that cannot start or resume a session; {@code code} is the protocol error code. */
public class SessionOpenException extends Exception {

    private final String code;
    private final boolean fatal;
    private final int closeCode;

    public SessionOpenException(String code, String message, boolean fatal, int closeCode) {
        super(message);
        this.code = code;
        this.fatal = fatal;
        this.closeCode = closeCode;
    }

    public String code() {
        return code;
    }

    public boolean fatal() {
        return fatal;
    }

    public int closeCode() {
        return closeCode;
    }
}
