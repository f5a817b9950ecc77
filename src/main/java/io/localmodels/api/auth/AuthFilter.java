package io.localmodels.api.auth;

import io.localmodels.api.errors.RouteErrors;
import io.localmodels.api.gemini.GeminiRoute;
import io.localmodels.auth.ApiKeys;
import io.localmodels.auth.AuthConfig;
import io.localmodels.auth.KeyLimits;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * API keys on every HTTP route but the public ones (probes, metrics), before any resource runs;
 * and the per-key photo rate. The audio socket checks its key itself, to answer with a protocol
 * error and close 1008 instead of a bare refused upgrade.
 */
@Singleton
public class AuthFilter {

    public static final String KEY_NAME = "lma.key";

    private final ApiKeys keys;
    private final KeyLimits limits;
    private final AuthConfig config;

    public AuthFilter(ApiKeys keys, KeyLimits limits, AuthConfig config) {
        this.keys = keys;
        this.limits = limits;
        this.config = config;
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, 1000);
    }

    /** The try-it page's files hold no data: anyone may load them; what they call needs the key. */
    static boolean isPage(String path) {
        return path.equals("/") || path.equals("/index.html") || path.startsWith("/try/");
    }

    private void filter(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (path.startsWith("/ws/") || isPage(path) || config.publicPaths().stream().anyMatch(path::startsWith)) {
            rc.next();
            return;
        }
        String name = ApiKeys.ANONYMOUS;
        if (keys.enabled()) {
            // GET /v1/models is also Gemini's model list on its v1 version: a Google client's key goes where Google puts it
            boolean gemini = GeminiRoute.isGeminiPath(path)
                    || (path.equals("/v1/models") || path.startsWith("/v1/models/")) && GeminiRoute.fromGoogleClient(rc);
            String presented = ApiKeys.bearer(rc.request().getHeader("Authorization"));
            if (gemini) {
                // Google's clients send their key as x-goog-api-key (or ?key=), and read errors in Google's shape
                presented = presented != null ? presented : rc.request().getHeader("x-goog-api-key");
                presented = presented != null ? presented : rc.request().getParam("key");
            }
            var who = keys.identify(presented);
            if (who.isEmpty()) {
                if (gemini) {
                    GeminiRoute.reply(rc, presented == null ? 401 : 403, presented == null
                            ? "an API key is required: x-goog-api-key: <key>, ?key=<key> or Authorization: Bearer <key>"
                            : "the API key is not valid");
                } else {
                    rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"local-models-api\"");
                    RouteErrors.reply(rc, 401, "unauthorized", rc.request().getHeader("Authorization") == null
                            ? "an API key is required: Authorization: Bearer <key>" : "the API key is not valid");
                }
                return;
            }
            name = who.get();
        }
        rc.put(KEY_NAME, name);
        if (rc.request().method() == HttpMethod.POST && path.startsWith("/vision/frame")) {
            long wait = limits.tryFrame(name);
            if (wait > 0) {
                rc.response().putHeader("Retry-After", Long.toString(wait));
                RouteErrors.reply(rc, 429, "rate_limited", "more than " + config.framesPerMinute()
                        + " photos per minute for this key (lma.auth.frames-per-minute); retry in " + wait + " s");
                return;
            }
        }
        rc.next();
    }
}
