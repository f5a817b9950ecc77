package io.localmodels.models.hub;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far one model's fetch is: bytes received of the bytes it needs, and the file being received.
 * Read by readiness, {@code GET /models/{id}} and the sessions' {@code asr_loading} notice.
 */
public final class DownloadProgress {

    private final AtomicLong done = new AtomicLong();
    private volatile long total;
    private volatile String file;

    void start(long totalBytes) {
        done.set(0);
        total = totalBytes;
    }

    void file(String path) {
        file = path;
    }

    void add(long bytes) {
        done.addAndGet(bytes);
    }

    void finish() {
        file = null;
    }

    public long doneBytes() {
        return Math.min(done.get(), total);
    }

    public long totalBytes() {
        return total;
    }

    public String currentFile() {
        return file;
    }

    public int percent() {
        long t = total;
        return t <= 0 ? 0 : (int) Math.min(100, doneBytes() * 100 / t);
    }

    /** e.g. {@code 42 % of 77.4 MB}. */
    public String describe() {
        return String.format(Locale.ROOT, "%d %% of %.1f MB", percent(), total / 1e6);
    }
}
