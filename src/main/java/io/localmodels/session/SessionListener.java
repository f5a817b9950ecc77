package io.localmodels.session;

/** The transport side of a session (a WebSocket connection); called from the session's pipeline thread. */
public interface SessionListener {

    void deliver(SessionEvent event);

    /** Close the transport after the events already delivered. */
    void close(int code, String reason);
}
