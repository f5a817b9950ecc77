package io.localmodels.session;

import io.localmodels.analysis.TranscriptLine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sessions in PostgreSQL (schema: db/migration, applied by Flyway), so several replicas share them
 * and a client can fetch its result from any pod.
 */
public final class PostgresSessionStore implements SessionStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource db;

    public PostgresSessionStore(DataSource db) {
        this.db = db;
    }

    private static Timestamp ts(Instant at) {
        return Timestamp.from(at.truncatedTo(ChronoUnit.MILLIS));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T with(Work<T> work) {
        Connection c;
        try {
            c = db.getConnection();
        } catch (SQLException e) {
            throw new SessionStoreUnavailableException("session store (PostgreSQL) unreachable: " + e.getMessage(), e);
        }
        try (c) {
            return work.run(c);
        } catch (SQLException e) {
            // SQLSTATE class 08: the connection failed under the statement (the server went away)
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                throw new SessionStoreUnavailableException("session store (PostgreSQL) unreachable: " + e.getMessage(), e);
            }
            throw new IllegalStateException("session store (PostgreSQL): " + e.getMessage(), e);
        }
    }

    @Override
    public void started(String id, String language, Instant at) {
        with(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO lma_sessions (id, language, created_at, updated_at) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (id) DO NOTHING")) {
                s.setString(1, id);
                s.setString(2, language);
                s.setTimestamp(3, ts(at));
                s.setTimestamp(4, ts(at));
                return s.executeUpdate();
            }
        });
    }

    private static void ensure(Connection c, String id, String language, Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO lma_sessions (id, language, created_at, updated_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (id) DO NOTHING")) {
            s.setString(1, id);
            s.setString(2, language);
            s.setTimestamp(3, ts(at));
            s.setTimestamp(4, ts(at));
            s.executeUpdate();
        }
    }

    @Override
    public void segment(String id, TranscriptLine e, Instant at) {
        with(c -> {
            ensure(c, id, null, at);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO lma_segments (session_id, segment_id, speaker, start_s, end_s, text)"
                    + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, segment_id) DO NOTHING");
                 PreparedStatement u = c.prepareStatement("UPDATE lma_sessions SET updated_at = ? WHERE id = ?")) {
                s.setString(1, id);
                s.setInt(2, e.segmentId());
                s.setString(3, e.speaker());
                s.setDouble(4, e.start());
                s.setDouble(5, e.end());
                s.setString(6, e.text());
                s.executeUpdate();
                u.setTimestamp(1, ts(at));
                u.setString(2, id);
                return u.executeUpdate();
            }
        });
    }

    @Override
    public void checkpoint(String id, AudioCheckpoint checkpoint, Instant at) {
        String json = json(checkpoint);
        with(c -> {
            ensure(c, id, null, at);
            try (PreparedStatement s = c.prepareStatement("UPDATE lma_sessions SET audio_checkpoint = ?, updated_at = ? WHERE id = ?")) {
                s.setString(1, json);
                s.setTimestamp(2, ts(at));
                s.setString(3, id);
                return s.executeUpdate();
            }
        });
    }

    @Override
    public void finished(String id, FinalDocument document, Instant at) {
        String json = json(document);
        with(c -> {
            ensure(c, id, document.language(), at);
            try (PreparedStatement s = c.prepareStatement("UPDATE lma_sessions SET final_document = ?, ended_at = ?, updated_at = ? WHERE id = ?")) {
                s.setString(1, json);
                s.setTimestamp(2, ts(at));
                s.setTimestamp(3, ts(at));
                s.setString(4, id);
                return s.executeUpdate();
            }
        });
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T fromJson(String json, Class<T> type, String what) throws SQLException {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new SQLException("stored " + what + " is not readable", e);
        }
    }

    @Override
    public Optional<StoredSession> find(String id) {
        return with(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT language, created_at, updated_at, ended_at, final_document, audio_checkpoint"
                    + " FROM lma_sessions WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    FinalDocument doc = fromJson(r.getString(5), FinalDocument.class, "final document of " + id);
                    AudioCheckpoint checkpoint = fromJson(r.getString(6), AudioCheckpoint.class, "audio checkpoint of " + id);
                    String language = r.getString(1);
                    return Optional.of(new StoredSession(id, language != null ? language : doc == null ? null : doc.language(),
                            instant(r.getTimestamp(2)), instant(r.getTimestamp(3)), instant(r.getTimestamp(4)), segments(c, id), doc, checkpoint));
                }
            }
        });
    }

    private static List<TranscriptLine> segments(Connection c, String id) throws SQLException {
        List<TranscriptLine> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT segment_id, speaker, start_s, end_s, text FROM lma_segments"
                + " WHERE session_id = ? ORDER BY segment_id")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new TranscriptLine(r.getInt(1), r.getString(2), r.getDouble(3), r.getDouble(4), r.getString(5)));
                }
            }
        }
        return out;
    }

    @Override
    public Page list(Instant since, String cursor, int limit) {
        Cursor after = Cursor.parse(cursor);
        return with(c -> {
            String sql = "SELECT s.id, s.language, s.created_at, s.updated_at, s.ended_at,"
                    + " (SELECT count(*) FROM lma_segments g WHERE g.session_id = s.id) FROM lma_sessions s"
                    + " WHERE s.created_at >= ? AND (s.created_at, s.id) > (?, ?) ORDER BY s.created_at, s.id LIMIT ?";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setTimestamp(1, ts(since == null ? Instant.EPOCH : since));
                s.setTimestamp(2, after == null ? ts(Instant.EPOCH.minusSeconds(1)) : ts(after.createdAt()));
                s.setString(3, after == null ? "" : after.id());
                s.setInt(4, limit + 1);
                List<Summary> items = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        items.add(new Summary(r.getString(1), r.getString(2), instant(r.getTimestamp(3)), instant(r.getTimestamp(4)),
                                instant(r.getTimestamp(5)), r.getInt(6)));
                    }
                }
                String next = null;
                if (items.size() > limit) {
                    items = new ArrayList<>(items.subList(0, limit));
                    Summary last = items.get(limit - 1);
                    next = Cursor.of(last.createdAt(), last.id());
                }
                return new Page(items, next);
            }
        });
    }

    @Override
    public boolean delete(String id) {
        return with(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM lma_sessions WHERE id = ?")) {
                s.setString(1, id);
                return s.executeUpdate() > 0;
            }
        });
    }

    @Override
    public int purgeBefore(Instant cutoff) {
        return with(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM lma_sessions WHERE updated_at < ?")) {
                s.setTimestamp(1, ts(cutoff));
                return s.executeUpdate();
            }
        });
    }

    @Override
    public long count() {
        return with(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM lma_sessions"); ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }
}
