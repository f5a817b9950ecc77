package io.localmodels.session;

import io.localmodels.analysis.TranscriptLine;

import java.time.Instant;
import java.util.List;
import java.util.TreeMap;

/**
 * A session's writes folded, in order, into what a store holds of it: the journal reads its lines
 * through this, and the store backlog lays its kept writes over the store's copy with it, so both
 * give the same session for the same writes. The first start's language counts, a segment id keeps
 * its first line, the last checkpoint and the final document win.
 */
final class SessionFold {

    private final TreeMap<Integer, TranscriptLine> segments = new TreeMap<>();
    private String language;
    private Instant created;
    private Instant updated;
    private Instant ended;
    private FinalDocument document;
    private AudioCheckpoint checkpoint;

    /** Starts from what a store already holds. */
    void seed(SessionStore.StoredSession s) {
        s.segments().forEach(l -> segments.put(l.segmentId(), l));
        language = s.language();
        created = s.createdAt();
        updated = s.updatedAt();
        ended = s.endedAt();
        document = s.document();
        checkpoint = s.checkpoint();
    }

    /** A write made at {@code at}, whatever it holds: the first one created the session. */
    void at(Instant at) {
        created = created == null ? at : created;
        updated = at;
    }

    void started(String language) {
        this.language = this.language == null ? language : this.language;
    }

    void segment(TranscriptLine line) {
        segments.putIfAbsent(line.segmentId(), line);
    }

    void checkpoint(AudioCheckpoint checkpoint) {
        this.checkpoint = checkpoint;
    }

    void finished(FinalDocument document, Instant at) {
        this.document = document;
        this.ended = at;
    }

    /** No write was folded in. */
    boolean empty() {
        return created == null;
    }

    /** With no start's language, the final document's. */
    void languageFromDocument() {
        if (language == null && document != null) {
            language = document.language();
        }
    }

    SessionStore.StoredSession toStored(String id) {
        return new SessionStore.StoredSession(id, language, created, updated, ended, List.copyOf(segments.values()), document, checkpoint);
    }
}
