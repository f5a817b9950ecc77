package io.localmodels.models.hub;

import io.localmodels.models.Sha256;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * Makes the files a model needs present in the Hugging Face cache and answers the snapshot folder
 * that holds them: resolves the revision to a commit, picks the files, reuses blobs already there
 * (whoever downloaded them), downloads the rest under a lock (resuming with Range, verifying the
 * sha256 the Hub publishes for LFS files and the size of the others), then links them into the
 * snapshot. {@code HF_HUB_OFFLINE} makes no request at all; an unreachable Hub falls back to what
 * the cache has for that revision.
 */
public final class HubFetcher {

    /** Picks the files an engine needs from those a revision has; throws NOT_FOUND naming what is missing. */
    @FunctionalInterface
    public interface FileSelector {
        List<String> select(Collection<String> available) throws HubException;
    }

    private static final Logger LOG = Logger.getLogger(HubFetcher.class);

    /** The fetching thread was interrupted (shutdown): no retry. Not a SocketTimeoutException, which is retried. */
    private static final class Stopped extends IOException {
        Stopped(String message) {
            super(message);
        }
    }

    private final HubSettings settings;
    private final HubClient client;
    private final HubCache cache;
    private final int retries;
    private final Duration backoff;
    private final Duration progressInterval;
    private final LongConsumer bytesReceived;
    // File locks belong to the whole JVM (a second lock on the same file throws): threads of this process
    // (any fetcher instance) queue here first, other processes on the file lock.
    private static final Map<Path, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

    public HubFetcher(HubSettings settings, HubClient client, int retries, Duration backoff, Duration progressInterval,
                      LongConsumer bytesReceived) {
        this.settings = settings;
        this.client = client;
        this.cache = new HubCache(settings.cacheDir());
        this.retries = Math.max(0, retries);
        this.backoff = backoff;
        this.progressInterval = progressInterval;
        this.bytesReceived = bytesReceived == null ? n -> { } : bytesReceived;
    }

    public HubCache cache() {
        return cache;
    }

    public HubSettings settings() {
        return settings;
    }

    /** The cached snapshot of {@code ref} with every selected file, without any request; null when incomplete. */
    public Path cached(HubRef ref, FileSelector selector) {
        var commit = cache.cachedCommit(ref);
        if (commit.isEmpty()) {
            return null;
        }
        try {
            List<String> files = selector.select(cache.snapshotFiles(ref, commit.get()));
            Path snapshot = cache.snapshot(ref, commit.get());
            return files.stream().allMatch(f -> Files.isRegularFile(snapshot.resolve(f))) ? snapshot : null;
        } catch (IOException e) {
            return null;
        }
    }

    public Path fetch(HubRef ref, FileSelector selector, DownloadProgress progress) throws HubException {
        if (settings.offline()) {
            Path snapshot = cached(ref, selector);
            if (snapshot == null) {
                throw new HubException(HubException.Kind.OFFLINE, "HF_HUB_OFFLINE is set and the cache " + cache.root()
                        + " has no complete copy of " + ref, "unset HF_HUB_OFFLINE for one start on a networked machine, or copy a"
                        + " Hugging Face cache that has it (huggingface-cli download " + ref.repo() + ")");
            }
            LOG.infof("%s: offline (HF_HUB_OFFLINE), using the cached snapshot %s", ref, snapshot.getFileName());
            return snapshot;
        }
        HubListing listing;
        try {
            listing = client.listing(ref);
        } catch (HubException e) {
            Path snapshot = e.kind() == HubException.Kind.OFFLINE ? cached(ref, selector) : null;
            if (snapshot != null) {
                LOG.warnf("%s: %s; using the cached snapshot %s", ref, e.getMessage(), snapshot.getFileName());
                return snapshot;
            }
            throw e;
        } catch (IOException e) {
            throw new HubException(HubException.Kind.FAILED, "the file list of " + ref + ": " + e.getMessage(),
                    "the fetch is retried at the next start", e);
        }
        LOG.infof("%s resolved to commit %s", ref, listing.commit());
        try {
            cache.writeRef(ref, listing.commit());
            List<String> wanted = selector.select(listing.files().stream().map(HubFile::path).toList());
            List<HubFile> files = wanted.stream().map(p -> listing.file(p).orElseThrow()).toList();
            long missing = files.stream().filter(f -> !cache.present(ref, listing.commit(), f)).mapToLong(HubFile::size).sum();
            if (missing > 0) {
                requireSpace(missing);
                LOG.infof("%s: fetching %d files, %.1f MB, into %s", ref, files.size(), missing / 1e6, cache.repoDir(ref));
            }
            progress.start(missing);
            for (HubFile f : files) {
                if (!cache.present(ref, listing.commit(), f)) {
                    progress.file(f.path());
                    ensure(ref, listing.commit(), f, progress);
                }
            }
            return cache.snapshot(ref, listing.commit());
        } catch (HubException e) {
            throw e;
        } catch (IOException e) {
            throw diskFullOr(e, ref);
        } finally {
            progress.finish();
        }
    }

    private void ensure(HubRef ref, String commit, HubFile f, DownloadProgress progress) throws IOException {
        Path lockPath = cache.lockFile(ref, f.etag());
        Files.createDirectories(lockPath.getParent());
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(lockPath, k -> new ReentrantLock());
        local.lock();
        // the file lock keeps another replica on the same volume from writing the same blob
        try (FileChannel ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            Path blob = cache.blob(ref, f.etag());
            if (!Files.isRegularFile(blob) || Files.size(blob) != f.size()) {
                download(ref, commit, f, blob, progress);
            } else {
                progress.add(f.size());
                LOG.infof("%s/%s: blob already in the cache", ref, f.path());
            }
            cache.link(ref, commit, f);
        } finally {
            local.unlock();
        }
    }

    /** Into {@code <etag>.incomplete}, resumed across attempts; verified; renamed. A bad copy is fetched once more. */
    private void download(HubRef ref, String commit, HubFile f, Path blob, DownloadProgress progress) throws IOException {
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
                    throw diskFullOr(e, ref);
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
            MessageDigest d = Sha256.newDigest();
            Sha256.update(d, part);
            String actual = Sha256.hex(d);
            if (!actual.equals(f.sha256())) {
                return "sha256 mismatch, expected " + f.sha256() + ", actual " + actual;
            }
        }
        return null;
    }

    private void requireSpace(long bytes) throws IOException {
        Files.createDirectories(cache.root());
        long free = Files.getFileStore(cache.root()).getUsableSpace();
        if (free < bytes) {
            throw new HubException(HubException.Kind.DISK_FULL, String.format(Locale.ROOT, "%.1f MB to download but %.1f MB free at %s",
                    bytes / 1e6, free / 1e6, cache.root()), "free disk space, or point HF_HUB_CACHE (lma.models.hub.cache-dir) at a larger volume");
        }
    }

    private static boolean isDiskFull(IOException e) {
        return String.valueOf(e.getMessage()).contains("No space left on device");
    }

    private HubException diskFullOr(IOException e, HubRef ref) {
        if (isDiskFull(e)) {
            return new HubException(HubException.Kind.DISK_FULL, ref + ": the disk holding " + cache.root() + " is full",
                    "free disk space, or point HF_HUB_CACHE (lma.models.hub.cache-dir) at a larger volume; the partial file is kept", e);
        }
        return new HubException(HubException.Kind.FAILED, ref + ": " + e.getMessage(), "see the log; the fetch is retried at the next start", e);
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
