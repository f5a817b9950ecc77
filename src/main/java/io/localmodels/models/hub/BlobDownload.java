package io.localmodels.models.hub;

import io.localmodels.models.Sha256;
import io.localmodels.models.StallRule;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * One blob from the Hub into the cache: received into {@code <etag>.incomplete} (resumed with Range
 * across attempts and restarts), verified (sha256 for LFS files, size for the others), renamed. A bad
 * copy is fetched once more. The caller holds the blob's lock.
 */
final class BlobDownload {

    private static final Logger LOG = Logger.getLogger(BlobDownload.class);

    private final HubClient client;
    private final HubCache cache;
    private final int retries;
    private final Duration backoff;
    private final Duration progressInterval;
    private final LongConsumer bytesReceived;

    BlobDownload(HubClient client, HubCache cache, int retries, Duration backoff, Duration progressInterval, LongConsumer bytesReceived) {
        this.client = client;
        this.cache = cache;
        this.retries = Math.max(0, retries);
        this.backoff = backoff;
        this.progressInterval = progressInterval;
        this.bytesReceived = bytesReceived == null ? n -> { } : bytesReceived;
    }

    /** The fetching thread was interrupted (shutdown): no retry. Not a SocketTimeoutException, which is retried. */
    private static final class Stopped extends IOException {
        Stopped(String message) {
            super(message);
        }
    }

    /** Into {@code <etag>.incomplete}, resumed across attempts; verified; renamed. A bad copy is fetched once more. */
    void download(HubRef ref, String commit, HubFile f, Path blob, DownloadProgress progress) throws IOException {
        Path part = cache.incomplete(ref, f.etag());
        Files.createDirectories(part.getParent());
        for (int pass = 1; ; pass++) {
            long before = Files.exists(part) ? Math.min(Files.size(part), f.size()) : 0;
            progress.add(before);
            receive(ref, commit, f, part, progress, before);
            String problem = verify(f, part);
            if (problem == null) {
                Files.move(part, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return;
            }
            Files.deleteIfExists(part);
            progress.add(-f.size());
            if (pass == 2) {
                throw new HubException(HubException.Kind.CHECKSUM, ref + "/" + f.path() + ": " + problem + " (fetched twice)",
                        "the Hub or a proxy between serves other bytes than it lists; try again later or another HF_ENDPOINT");
            }
            LOG.warnf("%s/%s: %s; fetching it again", ref, f.path(), problem);
        }
    }

    private void receive(HubRef ref, String commit, HubFile f, Path part, DownloadProgress progress, long counted) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt <= retries; attempt++) {
            if (attempt > 0) {
                sleep(backoff.multipliedBy(attempt));
            }
            long have = Files.exists(part) ? Files.size(part) : 0;
            if (have > f.size()) {
                Files.delete(part);
                progress.add(-counted);
                counted = 0;
                have = 0;
            }
            if (have == f.size()) {
                return;
            }
            try (HubClient.Body body = client.open(ref, commit, f, have)) {
                if (body == null) {
                    Files.deleteIfExists(part);  // 416: the server has nothing past our bytes; start over
                    progress.add(-counted);
                    counted = 0;
                    continue;
                }
                if (body.etag() != null && f.lfs() && !body.etag().equals(f.sha256())) {
                    // the listing and the file disagree: the revision moved between the two requests
                    throw new HubException(HubException.Kind.CHECKSUM, ref + "/" + f.path() + ": the Hub lists sha256 " + f.sha256()
                            + " but serves " + body.etag(), "start again: the next listing resolves the revision anew");
                }
                if (body.start() != have) {
                    if (body.start() != 0) {
                        throw new IOException("server resumed at byte " + body.start() + " but " + have + " are on disk");
                    }
                    LOG.infof("%s/%s: the server ignored the range request; restarting from byte 0", ref, f.path());
                    progress.add(-counted);
                    counted = 0;
                    have = 0;
                }
                LOG.infof("%s/%s: %s %.1f MB", ref, f.path(), have > 0 ? String.format(Locale.ROOT, "resuming at %.1f MB of", have / 1e6)
                        : "downloading", f.size() / 1e6);
                counted += copy(body.in(), part, have, f, progress, ref);
                if (Files.size(part) >= f.size()) {
                    return;
                }
                last = new IOException("connection closed after " + Files.size(part) + " of " + f.size() + " bytes");
            } catch (HubException e) {
                if (e.kind() != HubException.Kind.OFFLINE && e.kind() != HubException.Kind.FAILED) {
                    throw e;
                }
                last = e;
            } catch (Stopped e) {
                throw new HubException(HubException.Kind.FAILED, ref + "/" + f.path() + ": " + e.getMessage(),
                        "the partial file is kept; the next start resumes it", e);
            } catch (IOException e) {
                if (isDiskFull(e)) {
                    throw diskFullOr(e, ref, cache.root());
                }
                last = e;
            }
            LOG.warnf("%s/%s: attempt %d/%d stopped at %d of %d bytes: %s", ref, f.path(), attempt + 1, retries + 1,
                    Files.exists(part) ? Files.size(part) : 0, f.size(), last.getMessage());
        }
        if (last instanceof HubException h) {
            throw h;
        }
        throw new HubException(HubException.Kind.FAILED, ref + "/" + f.path() + ": download failed after " + (retries + 1)
                + " attempts: " + (last == null ? "unknown error" : last.getMessage()), "the partial file is kept; the next start resumes it", last);
    }

    /** Appends the body to {@code part}; never reads more than one byte past the listed size. Returns bytes written. */
    private long copy(InputStream in, Path part, long have, HubFile f, DownloadProgress progress, HubRef ref) throws IOException {
        long written = 0;
        long start = System.nanoTime();
        long lastLog = start;
        byte[] buf = new byte[1 << 16];
        StandardOpenOption mode = have > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
        StallRule.Meter meter = client.stall().start();
        try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
            int r;
            while (have + written <= f.size() && (r = in.read(buf, 0, (int) Math.min(buf.length, f.size() - have - written + 1))) > 0) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new Stopped("interrupted (shutting down) at " + (have + written) + " of " + f.size() + " bytes");
                }
                out.write(buf, 0, r);
                written += r;
                progress.add(r);
                bytesReceived.accept(r);
                meter.add(r);
                long now = System.nanoTime();
                if (now - lastLog >= progressInterval.toNanos()) {
                    lastLog = now;
                    double seconds = Math.max((now - start) / 1e9, 1e-3);
                    double rate = written / seconds;
                    long left = f.size() - have - written;
                    LOG.infof("%s/%s: %d%% (%.1f of %.1f MB) at %.1f MB/s, ETA %s", ref, f.path(), (have + written) * 100 / f.size(),
                            (have + written) / 1e6, f.size() / 1e6, rate / 1e6, eta(left, rate));
                }
            }
        }
        return written;
    }

    private static String eta(long bytesLeft, double rate) {
        if (rate <= 0) {
            return "unknown";
        }
        long s = (long) Math.ceil(bytesLeft / rate);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + " s";
    }

    private static String verify(HubFile f, Path part) throws IOException {
        long size = Files.size(part);
        if (size != f.size()) {
            return "size mismatch, listed " + f.size() + " bytes, received " + size;
        }
        if (f.lfs()) {
            String actual = Sha256.of(part);
            if (!actual.equals(f.sha256())) {
                return "sha256 mismatch, expected " + f.sha256() + ", actual " + actual;
            }
        }
        return null;
    }

    private static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to retry", e);
        }
    }

    private static boolean isDiskFull(IOException e) {
        return String.valueOf(e.getMessage()).contains("No space left on device");
    }

    static HubException diskFullOr(IOException e, HubRef ref, Path cacheRoot) {
        if (isDiskFull(e)) {
            return new HubException(HubException.Kind.DISK_FULL, ref + ": the disk holding " + cacheRoot + " is full",
                    "free disk space, or point HF_HUB_CACHE (lma.models.hub.cache-dir) at a larger volume; the partial file is kept", e);
        }
        return new HubException(HubException.Kind.FAILED, ref + ": " + e.getMessage(), "see the log; the fetch is retried at the next start", e);
    }
}
