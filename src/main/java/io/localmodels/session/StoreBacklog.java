package io.localmodels.session;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Store writes that could not reach the session store (PostgreSQL down), kept in order in a local
 * append-only file until they can. Bounded in bytes: past the bound a write is refused (the caller
 * counts it) rather than the disk filling. The file outlives a crash or a restart: the next process
 * reads it back and replays it. A session deleted meanwhile is removed from the file too.
 * Thread-safe; {@link #replay} is meant for one thread (the archive's writer).
 */
final class StoreBacklog {

    private static final Logger LOG = Logger.getLogger(StoreBacklog.class);

    private record Entry(StoreWrite write, int bytes) {
    }

    /** What one replay did: writes the store took, writes it refused for good, and whether the store went away again. */
    record Replay(int stored, int failed, boolean unavailable) {
    }

    private final Path file;
    /** Held while this process owns the backlog: two processes on one data-dir would overwrite each other's file. */
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final long maxBytes;
    private final boolean fsync;
    private final ArrayDeque<Entry> pending = new ArrayDeque<>();
    private final Map<String, Integer> perSession = new HashMap<>();
    /** Bytes in the file, replayed lines included, until it is emptied or compacted. */
    private long fileBytes;
    private long pendingBytes;

    StoreBacklog(Path file, long maxBytes, boolean fsync) {
        this.file = file;
        this.maxBytes = maxBytes;
        this.fsync = fsync;
        try {
            Files.createDirectories(file.getParent());
            this.lockChannel = FileChannel.open(file.resolveSibling(file.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock held;
            try {
                held = lockChannel.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                held = null;
            }
            if (held == null) {
                lockChannel.close();
                throw new IllegalStateException("the session store backlog " + file + " is in use by another process: give each"
                        + " process its own lma.session.data-dir");
            }
            this.lock = held;
            if (Files.isRegularFile(file)) {
                load();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the session store backlog " + file, e);
        }
    }

    /** Lets another process take the backlog (what is kept stays on disk for it). */
    synchronized void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warnf("could not release the session store backlog's lock: %s", e.getMessage());
        }
    }

    private void load() throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int damaged = 0;
        for (String line : lines) {
            try {
                remember(new Entry(StoreWrite.fromJson(line), utf8Length(line) + 1));
            } catch (IOException | RuntimeException e) {
                damaged++; // a torn last line: the append a crash cut off
            }
        }
        if (damaged > 0) {
            LOG.warnf("session store backlog %s: %d unreadable lines skipped", file, damaged);
        }
        rewrite();
        if (!pending.isEmpty()) {
            LOG.infof("session store backlog %s: %d writes of %d sessions wait for the store", file, pending.size(), perSession.size());
        }
    }

    synchronized boolean isEmpty() {
        return pending.isEmpty();
    }

    synchronized int size() {
        return pending.size();
    }

    /** Whether writes of this session wait here. */
    synchronized boolean holds(String sessionId) {
        return perSession.containsKey(sessionId);
    }

    /** Keeps a write (durably) for later; false when the backlog is full. */
    synchronized boolean add(StoreWrite w) {
        String line = StoreWrite.toJson(w) + "\n";
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (fileBytes + bytes.length > maxBytes && pendingBytes < fileBytes) {
            rewrite(); // drop the lines already replayed
        }
        if (fileBytes + bytes.length > maxBytes) {
            return false;
        }
        append(bytes);
        fileBytes += bytes.length;
        remember(new Entry(w, bytes.length));
        return true;
    }

    private void remember(Entry e) {
        pending.add(e);
        pendingBytes += e.bytes();
        perSession.merge(e.write().sessionId(), 1, Integer::sum);
    }

    private void forget(Entry e) {
        pendingBytes -= e.bytes();
        perSession.computeIfPresent(e.write().sessionId(), (k, n) -> n == 1 ? null : n - 1);
    }

    /**
     * Applies the kept writes to the store in order until it is unreachable again. A write the store
     * refuses for another reason cannot succeed later either: it is logged, counted and skipped, so
     * one bad write never holds the rest back.
     */
    Replay replay(SessionStore store) {
        int stored = 0;
        int failed = 0;
        while (true) {
            Entry head;
            synchronized (this) {
                head = pending.peekFirst();
            }
            if (head == null) {
                break;
            }
            try {
                head.write().applyTo(store);
                stored++;
            } catch (SessionStoreUnavailableException e) {
                return new Replay(stored, failed, true);
            } catch (RuntimeException e) {
                failed++;
                LOG.errorf("session %s: the store refused a kept write (%s), skipped: %s", head.write().sessionId(),
                        head.write().getClass().getSimpleName(), e.getMessage());
            }
            synchronized (this) {
                if (pending.peekFirst() == head) { // a deletion may have taken it meanwhile
                    pending.pollFirst();
                    forget(head);
                }
                if (pending.isEmpty()) {
                    rewrite();
                }
            }
        }
        return new Replay(stored, failed, false);
    }

    /** Forgets every kept write of a session (it was deleted): none stays on disk either. */
    synchronized void remove(String sessionId) {
        if (!perSession.containsKey(sessionId)) {
            return;
        }
        pending.removeIf(e -> {
            if (e.write().sessionId().equals(sessionId)) {
                forget(e);
                return true;
            }
            return false;
        });
        rewrite();
    }

    /** The final document kept for this session, if its store write waits here. */
    synchronized Optional<FinalDocument> document(String sessionId) {
        FinalDocument doc = null;
        for (Entry e : pending) {
            if (e.write() instanceof StoreWrite.Finished f && f.sessionId().equals(sessionId)) {
                doc = f.document();
            }
        }
        return Optional.ofNullable(doc);
    }

    /** What the store will hold of the session once the kept writes reach it: {@code stored} with them applied. */
    synchronized Optional<SessionStore.StoredSession> over(String sessionId, Optional<SessionStore.StoredSession> stored) {
        if (!perSession.containsKey(sessionId)) {
            return stored;
        }
        SessionFold fold = new SessionFold();
        stored.ifPresent(fold::seed);
        for (Entry e : pending) {
            StoreWrite w = e.write();
            if (!w.sessionId().equals(sessionId)) {
                continue;
            }
            fold.at(w.at());
            if (w instanceof StoreWrite.Started st) {
                fold.started(st.language());
            } else if (w instanceof StoreWrite.Segment seg) {
                fold.segment(seg.line());
            } else if (w instanceof StoreWrite.Checkpoint c) {
                fold.checkpoint(c.checkpoint());
            } else if (w instanceof StoreWrite.Finished f) {
                fold.finished(f.document(), w.at());
            }
        }
        return Optional.of(fold.toStored(sessionId));
    }

    private void append(byte[] bytes) {
        try {
            DurableFiles.append(file, bytes, fsync);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the session store backlog " + file, e);
        }
    }

    /** The file holds exactly the pending writes (replaced atomically: a crash leaves the old or the new one). */
    private void rewrite() {
        try {
            if (pending.isEmpty()) {
                Files.deleteIfExists(file);
                fileBytes = 0;
                return;
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            StringBuilder all = new StringBuilder();
            for (Entry e : pending) {
                all.append(StoreWrite.toJson(e.write())).append('\n');
            }
            byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);
            DurableFiles.overwrite(tmp, bytes, fsync);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            fileBytes = bytes.length;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite the session store backlog " + file, e);
        }
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
