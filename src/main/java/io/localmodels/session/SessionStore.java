package io.localmodels.session;

import io.localmodels.analysis.TranscriptLine;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where sessions outlive the process: segments as they are transcribed, the final document when it
 * is done. Two implementations pass the same contract tests: an embedded journal and PostgreSQL.
 */
public interface SessionStore extends AutoCloseable {

    /** Records a session's start (idempotent: a resumed session calls it again). */
    void started(String id, String language, Instant at);

    /** Adds one transcribed segment (idempotent per segment id). */
    void segment(String id, TranscriptLine segment, Instant at);

    /** Where the session's audio is accounted for up to (replaces the previous checkpoint); see {@link AudioCheckpoint}. */
    void checkpoint(String id, AudioCheckpoint checkpoint, Instant at);

    /** Stores the final document; the session counts as ended from then on. */
    void finished(String id, FinalDocument document, Instant at);

    Optional<StoredSession> find(String id);

    /** Sessions created at or after {@code since}, oldest first, {@code limit} per page, after {@code cursor} (null: from the start). */
    Page list(Instant since, String cursor, int limit);

    /** Removes everything stored about the session; false when it was unknown. */
    boolean delete(String id);

    /** Deletes sessions whose last change is before {@code cutoff}; answers how many. */
    int purgeBefore(Instant cutoff);

    long count();

    @Override
    default void close() {
    }

    record StoredSession(String id, String language, Instant createdAt, Instant updatedAt, Instant endedAt,
                         List<TranscriptLine> segments, FinalDocument document, AudioCheckpoint checkpoint) {
    }

    record Summary(String id, String language, Instant createdAt, Instant updatedAt, Instant endedAt, int segments) {
    }

    /** {@code next} is the cursor of the following page, null on the last. */
    record Page(List<Summary> items, String next) {
    }
}
