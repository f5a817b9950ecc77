package io.localmodels.models.hub;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    private final HubSettings settings;
    private final HubClient client;
    private final HubCache cache;
    private final BlobDownload blobs;
    // File locks belong to the whole JVM (a second lock on the same file throws): threads of this process
    // (any fetcher instance) queue here first, other processes on the file lock.
    private static final Map<Path, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

    public HubFetcher(HubSettings settings, HubClient client, int retries, Duration backoff, Duration progressInterval,
                      LongConsumer bytesReceived) {
        this.settings = settings;
        this.client = client;
        this.cache = new HubCache(settings.cacheDir());
        this.blobs = new BlobDownload(client, cache, retries, backoff, progressInterval, bytesReceived);
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
            throw BlobDownload.diskFullOr(e, ref, cache.root());
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
                blobs.download(ref, commit, f, blob, progress);
            } else {
                progress.add(f.size());
                LOG.infof("%s/%s: blob already in the cache", ref, f.path());
            }
            cache.link(ref, commit, f);
        } finally {
            local.unlock();
        }
    }

    private void requireSpace(long bytes) throws IOException {
        Files.createDirectories(cache.root());
        long free = Files.getFileStore(cache.root()).getUsableSpace();
        if (free < bytes) {
            throw new HubException(HubException.Kind.DISK_FULL, String.format(Locale.ROOT, "%.1f MB to download but %.1f MB free at %s",
                    bytes / 1e6, free / 1e6, cache.root()), "free disk space, or point HF_HUB_CACHE (lma.models.hub.cache-dir) at a larger volume");
        }
    }

}
