package io.localmodels.session;

import io.localmodels.analysis.TranscriptLine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * One write to the session store, as a value: what {@link StoreBacklog} keeps (one JSON line each)
 * while the store cannot be reached, and replays, in order, once it can. Every write is idempotent in
 * both stores, so a write replayed twice (a crash between the store taking it and the backlog
 * forgetting it) changes nothing.
 */
sealed interface StoreWrite {

    String sessionId();

    /** When the write was asked for; replayed writes keep it (the resume window counts from it). */
    Instant at();

    void applyTo(SessionStore store);

    record Started(String sessionId, String language, Instant at) implements StoreWrite {
        @Override
        public void applyTo(SessionStore store) {
            store.started(sessionId, language, at);
        }
    }

    record Segment(String sessionId, TranscriptLine line, Instant at) implements StoreWrite {
        @Override
        public void applyTo(SessionStore store) {
            store.segment(sessionId, line, at);
        }
    }

    record Checkpoint(String sessionId, AudioCheckpoint checkpoint, Instant at) implements StoreWrite {
        @Override
        public void applyTo(SessionStore store) {
            store.checkpoint(sessionId, checkpoint, at);
        }
    }

    record Finished(String sessionId, FinalDocument document, Instant at) implements StoreWrite {
        @Override
        public void applyTo(SessionStore store) {
            store.finished(sessionId, document, at);
        }
    }

    ObjectMapper JSON = new ObjectMapper();

    static String toJson(StoreWrite w) {
        ObjectNode o = JSON.createObjectNode().put("session_id", w.sessionId()).put("at", w.at().toEpochMilli());
        if (w instanceof Started s) {
            o.put("type", "start").put("language", s.language());
        } else if (w instanceof Segment s) {
            o.put("type", "segment").set("segment", JSON.valueToTree(s.line()));
        } else if (w instanceof Checkpoint c) {
            o.put("type", "checkpoint").set("checkpoint", JSON.valueToTree(c.checkpoint()));
        } else if (w instanceof Finished f) {
            o.put("type", "final").set("document", JSON.valueToTree(f.document()));
        }
        return o.toString();
    }

    /** The write a line holds; throws on a line that is not one (a torn last line, a damaged file). */
    static StoreWrite fromJson(String line) throws JsonProcessingException {
        JsonNode n = JSON.readTree(line);
        String id = n.path("session_id").asText(null);
        if (id == null || !n.path("at").canConvertToLong()) {
            throw new IllegalArgumentException("not a store write: " + line.substring(0, Math.min(80, line.length())));
        }
        Instant at = Instant.ofEpochMilli(n.path("at").asLong());
        return switch (n.path("type").asText()) {
            case "start" -> new Started(id, n.path("language").asText(null), at);
            case "segment" -> new Segment(id, JSON.treeToValue(n.path("segment"), TranscriptLine.class), at);
            case "checkpoint" -> new Checkpoint(id, JSON.treeToValue(n.path("checkpoint"), AudioCheckpoint.class), at);
            case "final" -> new Finished(id, JSON.treeToValue(n.path("document"), FinalDocument.class), at);
            default -> throw new IllegalArgumentException("unknown store write type " + n.path("type").asText());
        };
    }
}
