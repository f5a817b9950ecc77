package io.localmodels.api.errors;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Test-only endpoint with a typed JSON body, to exercise the error mapping for body failures. */
@Path("/test/echo")
public class JsonEchoTestResource {

    public record Payload(String name, int count) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Payload echo(Payload p) {
        if (p.count() < 0) {
            throw new IllegalStateException("boom: negative count");
        }
        return p;
    }
}
