package io.localmodels.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.analysis.TranscriptLine;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The embedded store: one append-only JSON-lines journal per session under
 * {@code <data-dir>/sessions/}. Appends are small and (by default) forced to disk, so a crash loses
 * at most the line being written, and a torn last line is skipped when read back. One file per
 * session makes a deletion a file removal (nothing of a deleted session lingers in a shared file)
 * and needs no database engine in the process. A small in-memory index (rebuilt by reading the
 * journals at start-up) answers listings.
 */
public final class JournalSessionStore implements SessionStore {

    private static final Logger LOG = Logger.getLogger(JournalSessionStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX = ".jsonl";

    private final Path dir;
    private final boolean fsync;
    /** One lock per stripe of session ids: reading one session never waits for another's (fsync'd) appends. */
    private final Object[] locks = new Object[64];
    private final Map<String, Meta> index = new ConcurrentHashMap<>();

    /** {@code segmentIds}: a segment stored twice (a retried write) is one segment. */
    private record Meta(String language, Instant createdAt, Instant updatedAt, Instant endedAt, Set<Integer> segmentIds) {
        Meta with(int segmentId, Instant at) {
            Set<Integer> ids = new HashSet<>(segmentIds);
            ids.add(segmentId);
            return new Meta(language, createdAt, at, endedAt, Set.copyOf(ids));
        }
    }

    public JournalSessionStore(Path dataDir, boolean fsync) {
        this.dir = dataDir.resolve("sessions");
        this.fsync = fsync;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList()) {
                    String name = f.getFileName().toString();
                    read(name.substring(0, name.length() - SUFFIX.length())).ifPresent(s -> index.put(s.id(), meta(s)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the session store folder " + dir, e);
        }
        LOG.infof("session store: journal in %s (%d sessions)", dir, index.size());
    }

    private static Meta meta(StoredSession s) {
        return new Meta(s.language(), s.createdAt(), s.updatedAt(), s.endedAt(),
                s.segments().stream().map(TranscriptLine::segmentId).collect(Collectors.toUnmodifiableSet()));
    }

    private Path file(String id) {
        Path f = dir.resolve(id + SUFFIX);
        if (!f.getParent().equals(dir) || id.isEmpty() || id.contains("/")) {
            throw new IllegalArgumentException("invalid session id " + id);
        }
        return f;
    }

    private Object lock(String id) {
        return locks[Math.floorMod(id.hashCode(), locks.length)];
    }

    private void append(String id, ObjectNode line) {
        synchronized (lock(id)) {
            write(id, line);
        }
    }

    private void write(String id, ObjectNode line) {
        byte[] bytes = (line.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            DurableFiles.append(file(id), bytes, fsync);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the journal of session " + id, e);
        }
    }

    @Override
    public void started(String id, String language, Instant when) {
        Instant at = when.truncatedTo(ChronoUnit.MILLIS);
        if (index.containsKey(id)) {
            return;
        }
        append(id, JSON.createObjectNode().put("type", "start").put("language", language).put("at", at.toEpochMilli()));
        index.put(id, new Meta(language, at, at, null, Set.of()));
    }

    @Override
    public void segment(String id, TranscriptLine segment, Instant when) {
        Instant at = when.truncatedTo(ChronoUnit.MILLIS);
        ObjectNode line = JSON.createObjectNode().put("type", "segment").put("at", at.toEpochMilli());
        line.set("segment", JSON.valueToTree(segment));
        append(id, line);
        index.compute(id, (k, m) -> (m == null ? new Meta(null, at, at, null, Set.of()) : m).with(segment.segmentId(), at));
    }

    @Override
    public void checkpoint(String id, AudioCheckpoint checkpoint, Instant when) {
        Instant at = when.truncatedTo(ChronoUnit.MILLIS);
        ObjectNode line = JSON.createObjectNode().put("type", "checkpoint").put("at", at.toEpochMilli());
        line.set("checkpoint", JSON.valueToTree(checkpoint));
        append(id, line);
        index.compute(id, (k, m) -> m == null ? new Meta(null, at, at, null, Set.of())
                : new Meta(m.language(), m.createdAt(), at, m.endedAt(), m.segmentIds()));
    }

    @Override
    public void finished(String id, FinalDocument document, Instant when) {
        Instant at = when.truncatedTo(ChronoUnit.MILLIS);
        ObjectNode line = JSON.createObjectNode().put("type", "final").put("at", at.toEpochMilli());
        line.set("document", JSON.valueToTree(document));
        append(id, line);
        index.compute(id, (k, m) -> m == null ? new Meta(document.language(), at, at, at,
                document.transcript().stream().map(TranscriptLine::segmentId).collect(Collectors.toUnmodifiableSet()))
                : new Meta(m.language(), m.createdAt(), at, at, m.segmentIds()));
    }

    @Override
    public Optional<StoredSession> find(String id) {
        if (!index.containsKey(id)) {
            return Optional.empty();
        }
        return read(id);
    }

    private Optional<StoredSession> read(String id) {
        synchronized (lock(id)) {
            return readLocked(id);
        }
    }

    private Optional<StoredSession> readLocked(String id) {
        Path f = file(id);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the journal of session " + id, e);
        }
        SessionFold fold = new SessionFold();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode n;
            try {
                n = JSON.readTree(lines.get(i));
            } catch (IOException e) {
                if (i < lines.size() - 1) {
                    LOG.warnf("session %s: journal line %d is damaged and skipped", id, i + 1);
                }
                continue; // a torn last line: the write that was cut off
            }
            Instant at = Instant.ofEpochMilli(n.path("at").asLong());
            fold.at(at);
            try {
                switch (n.path("type").asText()) {
                    case "start" -> fold.started(n.path("language").asText(null));
                    case "segment" -> fold.segment(JSON.treeToValue(n.path("segment"), TranscriptLine.class));
                    case "checkpoint" -> fold.checkpoint(JSON.treeToValue(n.path("checkpoint"), AudioCheckpoint.class));
                    case "final" -> fold.finished(JSON.treeToValue(n.path("document"), FinalDocument.class), at);
                    default -> LOG.warnf("session %s: unknown journal line type %s", id, n.path("type").asText());
                }
            } catch (IOException e) {
                LOG.warnf("session %s: journal line %d unreadable: %s", id, i + 1, e.getMessage());
            }
        }
        if (fold.empty()) {
            return Optional.empty();
        }
        fold.languageFromDocument();
        return Optional.of(fold.toStored(id));
    }

    @Override
    public Page list(Instant since, String cursor, int limit) {
        List<Map.Entry<String, Meta>> all = new ArrayList<>(index.entrySet());
        Comparator<Map.Entry<String, Meta>> order = Comparator.comparing((Map.Entry<String, Meta> e) -> e.getValue().createdAt())
                .thenComparing(Map.Entry::getKey);
        all.sort(order);
        Cursor after = Cursor.parse(cursor);
        List<Summary> items = new ArrayList<>();
        String next = null;
        for (Map.Entry<String, Meta> e : all) {
            Meta m = e.getValue();
            if (since != null && m.createdAt().isBefore(since)) {
                continue;
            }
            if (after != null && !after.before(m.createdAt(), e.getKey())) {
                continue;
            }
            if (items.size() == limit) {
                Summary last = items.get(items.size() - 1);
                next = Cursor.of(last.createdAt(), last.id());
                break;
            }
            items.add(new Summary(e.getKey(), m.language(), m.createdAt(), m.updatedAt(), m.endedAt(), m.segmentIds().size()));
        }
        return new Page(items, next);
    }

    @Override
    public boolean delete(String id) {
        synchronized (lock(id)) {
            boolean known = index.remove(id) != null;
            try {
                return Files.deleteIfExists(file(id)) || known;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the journal of session " + id, e);
            }
        }
    }

    @Override
    public int purgeBefore(Instant cutoff) {
        int n = 0;
        for (Map.Entry<String, Meta> e : List.copyOf(index.entrySet())) {
            if (e.getValue().updatedAt().isBefore(cutoff) && delete(e.getKey())) {
                n++;
            }
        }
        return n;
    }

    @Override
    public long count() {
        return index.size();
    }
}
