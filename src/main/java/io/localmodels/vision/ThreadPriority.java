package io.localmodels.vision;

import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Lowers the CPU priority (raises the nice value) of the calling thread on Linux. Java thread
 * priorities are ignored there, but a thread id is a process id to setpriority(2), and an
 * unprivileged process may always lower its own threads' priority; renice(1) does that without
 * native code. Elsewhere, or if renice is missing, it logs and does nothing.
 */
final class ThreadPriority {

    private static final Logger LOG = Logger.getLogger(ThreadPriority.class);

    private ThreadPriority() {
    }

    /** The calling thread's kernel id, from /proc/thread-self (Linux 3.17+), or -1. */
    static long currentTid() {
        try {
            return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (Exception e) {
            return -1;
        }
    }

    /** The nice value of a thread (field 19 of /proc/self/task/TID/stat), or Integer.MIN_VALUE. */
    static int nice(long tid) {
        try {
            String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[16]);
        } catch (Exception e) {
            return Integer.MIN_VALUE;
        }
    }

    /** Sets the calling thread's nice value to {@code nice} if that is lower priority than it has now. */
    static void lower(int nice) {
        if (nice <= 0) {
            return;
        }
        long tid = currentTid();
        if (tid < 0) {
            LOG.debugf("no /proc/thread-self: %s keeps its CPU priority", Thread.currentThread().getName());
            return;
        }
        if (nice(tid) >= nice) {
            return; // already at this priority or lower (e.g. the whole JVM was started with nice)
        }
        try {
            Process p = new ProcessBuilder("renice", Integer.toString(nice), "-p", Long.toString(tid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                LOG.infof("renice failed: %s keeps its CPU priority", Thread.currentThread().getName());
            } else {
                LOG.debugf("%s runs at nice %d", Thread.currentThread().getName(), nice(tid));
            }
        } catch (Exception e) {
            LOG.infof("cannot lower the CPU priority of %s (%s)", Thread.currentThread().getName(), e.getMessage());
        }
    }
}
