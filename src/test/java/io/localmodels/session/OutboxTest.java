package io.localmodels.session;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A session's events reach its transports in order, across a drop and a resume, within the queue's bound. */
class OutboxTest {

    /** A transport that records what it was sent, and its close. */
    static final class Recorder implements SessionListener {
        final List<String> got = new ArrayList<>();

        @Override
        public void deliver(SessionEvent event) {
            got.add(event instanceof SessionEvent.SpeechStarted s ? "start " + s.start()
                    : event instanceof SessionEvent.Error e ? "error " + e.code() : event.getClass().getSimpleName());
        }

        @Override
        public void close(int code, String reason) {
            got.add("close " + code);
        }
    }

    static SessionEvent started(double t) {
        return new SessionEvent.SpeechStarted("s", t);
    }

    @Test
    void eventsWhileDetachedWaitAndFollowTheNextConfigAckInOrderOldestDroppedBeyondTheBound() {
        AtomicInteger dropped = new AtomicInteger();
        Outbox o = new Outbox(3, dropped::incrementAndGet);
        Recorder first = new Recorder();
        o.attach(first, started(0));
        o.deliver(started(1));
        o.detach(first);
        assertFalse(o.attached());
        assertTrue(o.detachedAtNanos() > 0);
        for (int i = 2; i <= 5; i++) {
            o.deliver(started(i));
        }
        assertEquals(1, dropped.get());
        Recorder second = new Recorder();
        o.attach(second, new SessionEvent.Notice("s", "ack", "stands for config_ack"));
        o.deliver(started(6));
        assertEquals(List.of("start 0.0", "start 1.0"), first.got);
        assertEquals(List.of("Notice", "start 3.0", "start 4.0", "start 5.0", "start 6.0"), second.got);
        assertEquals(-1, o.detachedAtNanos());
    }

    @Test
    void aHandOverTellsTheAttachedTransportAndQueuesUntilTheNewOneAttaches() {
        Outbox o = new Outbox(10, () -> { });
        Recorder old = new Recorder();
        Recorder next = new Recorder();
        o.attach(old, started(0));
        o.handOver(next, "s");
        o.deliver(started(1));
        o.detach(old);
        o.attach(next, started(2));
        o.detach(old); // the old socket's close arrives late: it must not detach the newcomer
        o.deliver(started(3));
        assertEquals(List.of("start 0.0", "error session_taken_over"), old.got);
        assertEquals(List.of("start 2.0", "start 1.0", "start 3.0"), next.got);
        assertTrue(o.attached());
    }

    @Test
    void closeAttachedReachesOnlyAnAttachedTransport() {
        Outbox o = new Outbox(10, () -> { });
        o.closeAttached(new SessionEvent.Notice("s", "bye", "x"), 1012, "restart");
        Recorder r = new Recorder();
        o.attach(r, started(0));
        o.closeAttached(new SessionEvent.Notice("s", "bye", "x"), 1012, "restart");
        assertEquals(List.of("start 0.0", "Notice", "close 1012"), r.got);
    }
}
