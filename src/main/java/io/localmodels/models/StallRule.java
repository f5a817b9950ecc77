package io.localmodels.models;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * A download that receives less than {@code minBytesPerSecond} over a whole {@code window} has stalled.
 * The read timeout alone never fires on a server that trickles a byte every few seconds; this does, and the
 * attempt then fails (and is retried, resuming) instead of holding a model's load for hours.
 */
public record StallRule(long minBytesPerSecond, Duration window) {

    /** lma.models.download.min-bytes-per-second / stall-window defaults. */
    public static final StallRule DEFAULT = new StallRule(1024, Duration.ofSeconds(60));

    public Meter start() {
        return new Meter();
    }

    /** One attempt's count; {@link #add} throws once a full window fell short. */
    public final class Meter {
        private long windowStart = System.nanoTime();
        private long bytes;

        public void add(long n) throws IOException {
            bytes += n;
            long now = System.nanoTime();
            long elapsed = now - windowStart;
            if (elapsed < window.toNanos()) {
                return;
            }
            double rate = bytes / (elapsed / 1e9);
            if (rate < minBytesPerSecond) {
                throw new IOException(String.format(Locale.ROOT, "stalled: %d bytes in the last %.0f s (%.0f B/s, under the %d B/s"
                        + " of lma.models.download.min-bytes-per-second)", bytes, elapsed / 1e9, rate, minBytesPerSecond));
            }
            windowStart = now;
            bytes = 0;
        }
    }
}
