package io.localmodels.vision;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ThreadPriorityTest {

    /** The calling thread's nice value; skips the test, saying why, where /proc cannot tell it. */
    static int niceOfThisThreadOrSkip() {
        long self = ThreadPriority.currentTid();
        int nice = self < 0 ? Integer.MIN_VALUE : ThreadPriority.nice(self);
        if (nice == Integer.MIN_VALUE) {
            String reason = "SKIPPED: needs Linux /proc/thread-self";
            System.err.println(reason);
            Assumptions.abort(reason);
        }
        return nice;
    }

    private static boolean reniceRuns() {
        try {
            Process p = new ProcessBuilder("renice", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void aVisionWorkerLowersOnlyItsOwnPriority() throws Exception {
        long self = ThreadPriority.currentTid();
        int before = niceOfThisThreadOrSkip();
        AtomicInteger after = new AtomicInteger(Integer.MIN_VALUE);
        AtomicLong tid = new AtomicLong();
        Thread t = new Thread(() -> {
            ThreadPriority.lower(before + 10);
            tid.set(ThreadPriority.currentTid());
            after.set(ThreadPriority.nice(tid.get()));
        });
        // skip only when the platform cannot do it (no renice binary); the result itself is never a reason to skip
        if (!reniceRuns()) {
            String reason = "SKIPPED: needs renice (util-linux / bsdutils) on the PATH";
            System.err.println(reason);
            Assumptions.abort(reason);
        }
        t.start();
        t.join();
        assertEquals(before + 10, after.get(), "the worker runs at the lower priority");
        assertEquals(before, ThreadPriority.nice(self), "the calling thread is untouched");
    }
}
