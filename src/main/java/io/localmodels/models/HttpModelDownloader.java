package io.localmodels.models;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one pinned file: into {@code <name>.part}, resuming with HTTP Range after a dropped
 * connection, then size and sha256 check, then an atomic rename. The final name only ever holds
 * verified bytes.
 */
public final class HttpModelDownloader {

    private static final Logger LOG = Logger.getLogger(HttpModelDownloader.class);
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int retries;
    private final Duration backoff;
    private final Duration progressInterval;
    private final LongConsumer bytesReceived;
    private final StallRule stall;

    public HttpModelDownloader(Duration connectTimeout, Duration readTimeout, int retries, Duration backoff,
                               Duration progressInterval, LongConsumer bytesReceived) {
        this(connectTimeout, readTimeout, retries, backoff, progressInterval, bytesReceived, StallRule.DEFAULT);
    }

    public HttpModelDownloader(Duration connectTimeout, Duration readTimeout, int retries, Duration backoff,
                               Duration progressInterval, LongConsumer bytesReceived, StallRule stall) {
        this.stall = stall;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.retries = Math.max(0, retries);
        this.backoff = backoff;
        this.progressInterval = progressInterval;
        this.bytesReceived = bytesReceived == null ? n -> { } : bytesReceived;
    }

    public static Path partFile(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    /**
     * Fetches {@code url} into {@code target}. Throws {@link ModelIntegrityException} when the
     * complete download does not match the catalog (the partial file is deleted), and
     * {@link IOException} when every attempt failed (the partial file stays for the next resume).
     */
    public void download(URI url, ModelFile file, Path target, String label) throws IOException {
        Files.createDirectories(target.getParent());
        Path part = partFile(target);
        IOException last = null;
        for (int attempt = 0; attempt <= retries; attempt++) {
            if (attempt > 0) {
                sleep(backoff.multipliedBy(attempt));
            }
            try {
                fetchInto(url, file, part, label);
                verifyAndPublish(file, part, target, label + " from " + url);
                return;
            } catch (ModelIntegrityException e) {
                throw e;
            } catch (IOException e) {
                last = e;
                long have = Files.exists(part) ? Files.size(part) : 0;
                LOG.warnf("%s: download attempt %d/%d from %s stopped at %d of %d bytes: %s", label, attempt + 1,
                        retries + 1, url, have, file.size(), e.getMessage());
            }
        }
        throw new IOException("download failed after " + (retries + 1) + " attempts: "
                + (last == null ? "unknown error" : last.getMessage()), last);
    }

    private void fetchInto(URI url, ModelFile file, Path part, String label) throws IOException {
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (have > file.size()) {
            Files.delete(part);
            have = 0;
        }
        if (have == file.size()) {
            return;
        }
        HttpURLConnection conn = (HttpURLConnection) url.toURL().openConnection();
        try {
            conn.setConnectTimeout((int) connectTimeout.toMillis());
            conn.setReadTimeout((int) readTimeout.toMillis());
            conn.setInstanceFollowRedirects(true);
            conn.setRequestProperty("User-Agent", "local-models-api");
            if (have > 0) {
                conn.setRequestProperty("Range", "bytes=" + have + "-");
            }
            int status = conn.getResponseCode();
            boolean append;
            if (status == 206) {
                long start = rangeStart(conn.getHeaderField("Content-Range"));
                if (start != have) {
                    throw new IOException("server resumed at byte " + start + " but " + have + " are on disk");
                }
                append = true;
            } else if (status == 200) {
                append = false;
                if (have > 0) {
                    LOG.infof("%s: server ignored the range request, restarting from byte 0", label);
                }
                have = 0;
            } else if (status == 416) {
                Files.deleteIfExists(part);
                throw new IOException("server rejected resume at byte " + have + " (HTTP 416); restarting");
            } else {
                throw new IOException("HTTP " + status + " from " + url);
            }
            LOG.infof("%s: %s %s (%s)", label, append ? "resuming at " + megabytes(have) + " of" : "downloading",
                    megabytes(file.size()), url);
            copyBody(conn, file, part, append, have, label);
        } finally {
            conn.disconnect();
        }
    }

    private void copyBody(HttpURLConnection conn, ModelFile file, Path part, boolean append, long have, String label)
            throws IOException {
        long total = file.size();
        long written = have;
        long startNanos = System.nanoTime();
        long lastLogNanos = startNanos;
        long bytesAtStart = have;
        byte[] buf = new byte[1 << 16];
        StandardOpenOption mode = append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
        StallRule.Meter meter = stall.start();
        try (InputStream in = conn.getInputStream();
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
            int r;
            // Never read more than one byte past the pinned size: enough to prove the body is too long.
            while (written <= total && (r = in.read(buf, 0, (int) Math.min(buf.length, total - written + 1))) > 0) {
                out.write(buf, 0, r);
                written += r;
                bytesReceived.accept(r);
                meter.add(r);
                long now = System.nanoTime();
                if (now - lastLogNanos >= progressInterval.toNanos()) {
                    lastLogNanos = now;
                    double seconds = (now - startNanos) / 1e9;
                    LOG.infof("%s: %d%% (%s of %s) at %.1f MB/s", label, written * 100 / total, megabytes(written),
                            megabytes(total), (written - bytesAtStart) / 1e6 / Math.max(seconds, 1e-3));
                }
            }
        }
        if (written < total) {
            throw new IOException("connection closed after " + written + " of " + total + " bytes");
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        LOG.infof("%s: received %s in %.1f s (%.1f MB/s)", label, megabytes(written - bytesAtStart), seconds,
                (written - bytesAtStart) / 1e6 / Math.max(seconds, 1e-3));
    }

    /** Size and hash check of a finished {@code .part}, then an atomic rename onto {@code target}. */
    static void verifyAndPublish(ModelFile file, Path part, Path target, String what) throws IOException {
        long size = Files.size(part);
        if (size != file.size()) {
            Files.deleteIfExists(part);
            throw ModelIntegrityException.size(what, file.size(), size);
        }
        String actual = Sha256.of(part);
        if (!actual.equals(file.sha256())) {
            Files.deleteIfExists(part);
            throw ModelIntegrityException.sha256(what, file.sha256(), actual);
        }
        publish(part, target);
    }

    static void publish(Path part, Path target) throws IOException {
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static long rangeStart(String contentRange) throws IOException {
        Matcher m = contentRange == null ? null : CONTENT_RANGE.matcher(contentRange.trim());
        if (m == null || !m.matches()) {
            throw new IOException("HTTP 206 without a usable Content-Range header: " + contentRange);
        }
        return Long.parseLong(m.group(1));
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to retry", e);
        }
    }
}
