package io.localmodels.api.errors;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * JSON errors for what never reaches a REST endpoint: unknown routes, and bodies or headers the
 * HTTP layer refuses (over {@code quarkus.http.limits.*}).
 */
@ApplicationScoped
public class RouteErrors {

    /** Runs just before Quarkus' own upload-limit route (order -2), which answers 413 with no body. */
    private static final int ORDER_BEFORE_UPLOAD_LIMIT = -3;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    Optional<MemorySize> maxBodySize;

    void install(@Observes Router router) {
        maxBodySize.ifPresent(limit -> router.route().order(ORDER_BEFORE_UPLOAD_LIMIT).handler(
                refuseBodiesOver(limit.asLongValue(), "the server accepts (quarkus.http.limits.max-body-size)")));
        // Last route: only requests no other route (REST, health, metrics, openapi, websockets) took.
        router.route().order(Integer.MAX_VALUE).handler(ctx -> send(ctx, 404,
                "no route for " + ctx.request().method() + " " + ctx.request().path()));
        for (int status : new int[] {400, 404, 405, 413, 414, 415, 431}) {
            router.errorHandler(status, ctx -> send(ctx, status, describe(ctx, status)));
        }
    }

    /**
     * A declared body over {@code maxBytes} gets the JSON 413 naming {@code whoTakes} the limit, and the
     * connection closes rather than read it. Server-wide (before Quarkus' upload limit), and per route
     * as a route of its own registered just before the one whose BodyHandler it guards (a BodyHandler
     * must be first on its route, and its own 413 has no body).
     */
    public static Handler<RoutingContext> refuseBodiesOver(long maxBytes, String whoTakes) {
        return ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && isOver(length, maxBytes)) {
                ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                send(ctx, 413, "request body of " + length + " bytes is larger than the " + maxBytes + " bytes " + whoTakes);
                return;
            }
            ctx.next();
        };
    }

    private static boolean isOver(String contentLength, long limit) {
        try {
            return Long.parseLong(contentLength.trim()) > limit;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String describe(RoutingContext ctx, int status) {
        return switch (status) {
            case 413 -> "request body is larger than the server accepts (quarkus.http.limits.max-body-size)";
            case 431 -> "request headers are larger than the server accepts";
            case 414 -> "request URI is longer than the server accepts";
            case 404 -> "no route for " + ctx.request().method() + " " + ctx.request().path();
            default -> ctx.failure() != null && ctx.failure().getMessage() != null
                    ? ctx.failure().getMessage() : "request refused by the HTTP layer";
        };
    }

    public static void send(RoutingContext ctx, int status, String message) {
        reply(ctx, status, ErrorCodes.forStatus(status), message);
    }

    public static void reply(RoutingContext ctx, int status, String code, String message) {
        if (ctx.response().headWritten()) {
            ctx.response().end();
            return;
        }
        JsonObject body = new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
        ctx.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(body.encode());
    }
}
