package io.localmodels.api.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.localmodels.inference.ModelNotReadyException;
import io.localmodels.session.SessionStoreUnavailableException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.io.IOException;
import java.util.UUID;

/** Maps every failure inside a REST endpoint to the JSON error body. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        Response.ResponseBuilder b = error(e.status(), e.code(), e.getMessage());
        e.retryAfter().ifPresent(d -> b.header("Retry-After", Math.max(1, d.toSeconds())));
        return b.build();
    }

    /** A store outage is the store's, not a bug: 503 with a retry hint instead of 500. */
    @ServerExceptionMapper
    public Response storeUnavailable(SessionStoreUnavailableException e) {
        LOG.warnf("session store unavailable: %s", e.getMessage());
        return error(503, "store_unavailable", "the session store cannot be reached; retry later").header("Retry-After", 5).build();
    }

    @ServerExceptionMapper
    public Response modelNotReady(ModelNotReadyException e) {
        return error(503, "model_unavailable", e.getMessage() + "; see /q/health/ready for the reason")
                .header("Retry-After", 30).build();
    }

    /** Declared separately: quarkus-rest-jackson ships its own mapper for this exact type. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return json((JsonProcessingException) e);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        String message = e instanceof DatabindException
                ? "request body does not have the expected JSON shape: " + JsonErrors.describe(e)
                : "request body is not valid JSON: " + JsonErrors.describe(e);
        return error(400, "malformed_json", message).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        if (e.getCause() instanceof JsonProcessingException jpe) {
            return json(jpe);
        }
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        String message = e.getMessage();
        if (status == 404 || status == 405) {
            // The framework's own text ("HTTP 404 Not Found") says nothing about what was asked.
            message = (status == 404 ? "no route for " : "method not allowed: ") + request.method() + " " + request.path();
        } else if (message == null || message.isBlank()) {
            message = "HTTP " + status;
        }
        Response.ResponseBuilder b = error(status, ErrorCodes.forStatus(status), message);
        if (e.getResponse() != null && e.getResponse().getHeaderString("Allow") != null) {
            b.header("Allow", e.getResponse().getHeaderString("Allow"));
        }
        return b.build();
    }

    /** A body the multipart parser could not finish (cut off, no closing boundary): the client's fault. */
    @ServerExceptionMapper
    public Response io(IOException e) {
        if (String.valueOf(e.getMessage()).contains("multipart")) {
            return error(400, "invalid_multipart", "the multipart body is incomplete or malformed (" + e.getMessage()
                    + "); send every part and the closing boundary").build();
        }
        return unexpected(e);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        String ref = UUID.randomUUID().toString();
        LOG.errorf(e, "unhandled error (ref %s)", ref);
        return error(500, "internal_error", "internal error; reference " + ref + " in the server log").build();
    }

    private static Response.ResponseBuilder error(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(ErrorResponse.of(code, message));
    }
}
