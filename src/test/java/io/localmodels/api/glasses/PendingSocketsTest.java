package io.localmodels.api.glasses;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which silent socket makes room for a new one, on a clock the test moves. */
class PendingSocketsTest {

    static final long SECOND = 1_000_000_000L;

    @Test
    void atTheAddressCapTheOldestSilentSocketOfThatAddressGoesOnceItsGraceIsOver() {
        AtomicLong now = new AtomicLong();
        PendingSockets p = new PendingSockets(100, 2, SECOND, now::get);
        assertNull(p.admit("a1", "10.0.0.1"));
        assertNull(p.admit("b1", "10.0.0.2"));
        assertNull(p.admit("a2", "10.0.0.1"));
        now.addAndGet(2 * SECOND);
        assertEquals("a1", p.admit("a3", "10.0.0.1"), "the oldest of the crowded address, not b1");
        assertEquals("a2", p.admit("a4", "10.0.0.1"));
        assertEquals(3, p.size());
    }

    @Test
    void aBurstOfYoungSocketsFromOneAddressIsNotEvictedBelowTheTotalCap() {
        AtomicLong now = new AtomicLong();
        PendingSockets p = new PendingSockets(5, 2, SECOND, now::get);
        for (int i = 0; i < 5; i++) {
            assertNull(p.admit("s" + i, "nat"), "within the grace, a real client's config may still be on the wire");
        }
        assertEquals("s0", p.admit("s5", "nat"), "the total cap always holds");
        assertEquals(5, p.size());
    }

    @Test
    void aSocketThatSpokeNoLongerCountsAndCannotBeEvicted() {
        AtomicLong now = new AtomicLong();
        PendingSockets p = new PendingSockets(100, 2, 0, now::get);
        assertNull(p.admit("x", "h"));
        assertTrue(p.remove("x"));
        assertFalse(p.remove("x"));
        assertNull(p.admit("y", "h"));
        assertNull(p.admit("z", "h"), "x no longer counts against h's cap of 2");
        assertEquals(2, p.size());
    }

    @Test
    void theHostOfARemoteAddress() {
        assertEquals("127.0.0.1", PendingSockets.host("127.0.0.1:50412"));
        assertEquals("[::1]", PendingSockets.host("[::1]:50412"));
        assertEquals("unknown", PendingSockets.host(null));
    }
}
