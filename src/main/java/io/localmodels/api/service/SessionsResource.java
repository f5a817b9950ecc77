package io.localmodels.api.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.api.errors.ApiException;
import io.localmodels.session.AudioSessions;
import io.localmodels.session.FinalDocument;
import io.localmodels.session.SessionArchive;
import io.localmodels.session.SessionStore;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Stored sessions: the final document of one, a paged listing, deletion. */
@Path("/sessions")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class SessionsResource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "[A-Za-z0-9._:-]{1,128}";

    private final SessionArchive archive;
    private final AudioSessions sessions;

    public SessionsResource(SessionArchive archive, AudioSessions sessions) {
        this.archive = archive;
        this.sessions = sessions;
    }

    @GET
    @Path("/{session_id}")
    @Operation(summary = "The session document: transcript, summary, action items, risks, analysis status")
    public FinalDocument get(@PathParam("session_id") String id) {
        checkId(id);
        return archive.document(id, sessions.live(id)).orElseThrow(() -> ApiException.notFound("no session " + id));
    }

    @GET
    @Operation(summary = "Sessions created since a time, oldest first, paged (limit, cursor)")
    public ObjectNode list(@QueryParam("since") String since, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        // taken as text: a JAX-RS Integer parameter that does not convert is a 404, not the 400 it is
        int n;
        try {
            n = limit == null ? 50 : Integer.parseInt(limit.strip());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > 500) {
            throw new ApiException(400, "invalid_request", "limit must be an integer from 1 to 500 (got \"" + limit + "\")");
        }
        SessionStore.Page page;
        try {
            page = archive.list(parseSince(since), cursor, n);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_request", e.getMessage());
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode items = out.putArray("sessions");
        for (SessionStore.Summary s : page.items()) {
            ObjectNode o = items.addObject().put("session_id", s.id()).put("language", s.language())
                    .put("created_at", s.createdAt().toString()).put("updated_at", s.updatedAt().toString())
                    .put("segments", s.segments()).put("ended", s.endedAt() != null);
            if (s.endedAt() != null) {
                o.put("ended_at", s.endedAt().toString());
            }
        }
        out.put("next_cursor", page.next());
        return out;
    }

    @DELETE
    @Path("/{session_id}")
    @Operation(summary = "Delete everything stored about a session (transcript, analysis, kept audio)")
    public Response delete(@PathParam("session_id") String id) {
        checkId(id);
        if (sessions.live(id)) {
            throw new ApiException(409, "session_active", "session " + id + " is still open; end it (end_of_stream) first");
        }
        if (!archive.delete(id)) {
            throw ApiException.notFound("no session " + id);
        }
        return Response.noContent().build();
    }

    private static void checkId(String id) {
        if (!id.matches(ID)) {
            throw new ApiException(400, "invalid_request", "a session id is 1-128 characters of A-Z a-z 0-9 . _ : -");
        }
    }

    private static Instant parseSince(String since) {
        if (since == null || since.isBlank()) {
            return null;
        }
        try {
            return since.matches("\\d+") ? Instant.ofEpochMilli(Long.parseLong(since)) : Instant.parse(since);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new ApiException(400, "invalid_request", "since must be an ISO-8601 instant (2026-11-22T10:00:00Z) or epoch milliseconds");
        }
    }
}
