package io.localmodels.session;

import java.util.ArrayDeque;

/**
 * Where a session's events go: to the attached transport, or, while none is attached (a dropped
 * socket, a resume on its way), into a bounded queue that the next transport gets in order right
 * after its config_ack. The oldest queued event goes when the queue is full.
 */
final class Outbox {

    private final int capacity;
    private final Runnable dropped;
    private final ArrayDeque<SessionEvent> queued = new ArrayDeque<>();
    private volatile SessionListener listener;
    private volatile long detachedAtNanos = -1;

    Outbox(int capacity, Runnable dropped) {
        this.capacity = capacity;
        this.dropped = dropped;
    }

    synchronized void deliver(SessionEvent event) {
        SessionListener l = listener;
        if (l != null) {
            l.deliver(event);
            return;
        }
        if (queued.size() >= capacity) {
            queued.poll();
            dropped.run();
        }
        queued.add(event);
    }

    /**
     * Another transport is taking the session: an attached one is told so (and closes); until
     * {@link #attach} events queue, so none overtakes the newcomer's config_ack.
     */
    synchronized void handOver(SessionListener next, String sessionId) {
        SessionListener old = listener;
        if (old != null && old != next) {
            old.deliver(new SessionEvent.Error("session_taken_over",
                    "session " + sessionId + " was resumed on another connection", true, 1000));
        }
        listener = null;
        detachedAtNanos = System.nanoTime();
    }

    /** {@code first} goes to {@code next}, then everything queued, then what follows. */
    synchronized void attach(SessionListener next, SessionEvent first) {
        listener = next;
        detachedAtNanos = -1;
        next.deliver(first);
        while (!queued.isEmpty()) {
            next.deliver(queued.poll());
        }
    }

    /** The transport went away (only if it is still the attached one). */
    synchronized void detach(SessionListener gone) {
        if (listener == gone) {
            listener = null;
            detachedAtNanos = System.nanoTime();
        }
    }

    /** Sends {@code last} (if any) to the attached transport, not to the queue, and closes it. */
    synchronized void closeAttached(SessionEvent last, int code, String reason) {
        SessionListener l = listener;
        if (l != null) {
            if (last != null) {
                l.deliver(last);
            }
            l.close(code, reason);
        }
    }

    boolean attached() {
        return listener != null;
    }

    /** When the last transport went away; -1 while one is attached. */
    long detachedAtNanos() {
        return detachedAtNanos;
    }
}
