package io.localmodels.models;

/**
 * A model's fetch-and-open on a daemon thread of its own, started after the HTTP server listens, and
 * interrupted at shutdown: a download of gigabytes must not hold the shutdown (the fetch stops at its
 * next buffer, and the partial file stays for the next start to resume).
 */
public final class BackgroundLoad {

    private final String threadName;
    private volatile Thread thread;

    public BackgroundLoad(String threadName) {
        this.threadName = threadName;
    }

    public void start(Runnable load) {
        Thread t = new Thread(load, threadName);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Interrupts the load if it still runs. */
    public void interrupt() {
        Thread t = thread;
        if (t != null && t.isAlive()) {
            t.interrupt();
        }
    }
}
