package io.localmodels.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.api.errors.ApiException;
import io.localmodels.api.errors.Failures;
import io.localmodels.api.errors.RouteErrors;
import io.localmodels.api.gemini.GeminiRoute;
import io.localmodels.api.http.StrictJson;
import io.localmodels.llm.Generation;
import io.localmodels.llm.GenerationRequest;
import io.localmodels.llm.LlmException;
import io.localmodels.llm.LlmService;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * OpenAI-compatible chat for other clients, served by the embedded LLM: {@code POST
 * /v1/chat/completions} (plain, or {@code stream: true} as server-sent events in OpenAI's chunk
 * format; {@code response_format} json_object / json_schema enforced by a grammar) and {@code GET
 * /v1/models}. A Vert.x route rather than a REST resource: a stream's status and headers go out
 * before its first token, and errors before that point still get the JSON error body.
 */
@ApplicationScoped
public class ChatCompletionsRoute {

    private static final Logger LOG = Logger.getLogger(ChatCompletionsRoute.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BODY = 4 << 20;

    private final LlmService llm;
    private final GeminiRoute gemini;

    public ChatCompletionsRoute(LlmService llm, GeminiRoute gemini) {
        this.llm = llm;
        this.gemini = gemini;
    }

    void install(@Observes Router router) {
        router.post("/v1/chat/completions").handler(RouteErrors.refuseBodiesOver(MAX_BODY, "/v1/chat/completions takes"));
        router.post("/v1/chat/completions").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(this::complete);
        router.get("/v1/models").handler(this::models);
    }

    private void models(RoutingContext rc) {
        if (GeminiRoute.fromGoogleClient(rc)) {
            // the Gemini API lists its models at the same path
            gemini.models(rc);
            return;
        }
        ObjectNode body = JSON.createObjectNode().put("object", "list");
        var data = body.putArray("data");
        if (llm.state() == LlmService.State.READY) {
            data.addObject().put("id", llm.modelName()).put("object", "model").put("created", 0).put("owned_by", "local-models-api");
        }
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toString());
    }

    private void complete(RoutingContext rc) {
        if (llm.state() != LlmService.State.READY) {
            fail(rc, null, new LlmException(LlmException.Kind.UNAVAILABLE, "no LLM is loaded: " + llm.state().name().toLowerCase(Locale.ROOT)
                    + (llm.reason() != null ? ", " + llm.reason() : "")));
            return;
        }
        ChatRequests.ChatCall call;
        try {
            JsonNode body;
            try {
                body = StrictJson.MAPPER.readTree(rc.body().asString("UTF-8"));
            } catch (Exception e) {
                throw new ApiException(400, "invalid_json", "the body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
            call = ChatRequests.read(body, Math.min(llm.defaultMaxTokens(), llm.contextSize()), llm.contextSize());
        } catch (ApiException e) {
            RouteErrors.reply(rc, e.status(), e.code(), e.getMessage());
            return;
        }
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        AtomicBoolean gone = new AtomicBoolean();
        rc.response().closeHandler(v -> gone.set(true));
        Context context = Vertx.currentContext();
        SseWriter sse = call.stream() ? new SseWriter(rc.response(), context, id, created, llm.modelName()) : null;
        GenerationRequest request = new GenerationRequest(call.messages(), call.temperature(), call.topP(), call.maxTokens(), call.stop(),
                call.grammar(), call.seed(), sse == null ? null : sse::delta, gone::get);
        try {
            llm.generate(request).whenComplete((g, error) -> context.runOnContext(v -> {
                Throwable cause = Failures.cause(error);
                if (cause != null) {
                    fail(rc, sse, cause);
                } else if (sse != null) {
                    sse.finish(g, call.includeUsage());
                } else {
                    rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(completion(id, created, g).toString());
                }
            }));
        } catch (LlmException e) {
            fail(rc, null, e);
        }
    }

    private void fail(RoutingContext rc, SseWriter sse, Throwable cause) {
        LlmException e = cause instanceof LlmException le ? le : new LlmException(LlmException.Kind.FAILED, String.valueOf(cause));
        if (sse != null && sse.started()) {
            // the status is out: say it in the stream, as OpenAI does for a failure mid-stream
            sse.error(e.code(), e.getMessage());
            return;
        }
        int status = switch (e.kind()) {
            case UNAVAILABLE, BUSY -> 503;
            case CONTEXT_EXCEEDED -> 400;
            case FAILED -> 500;
        };
        if (e.kind() == LlmException.Kind.BUSY) {
            rc.response().putHeader("Retry-After", "2");
        }
        if (status == 500) {
            LOG.warnf("chat completion failed: %s", e.getMessage());
        }
        RouteErrors.reply(rc, status, e.code(), e.getMessage());
    }

    private ObjectNode completion(String id, long created, Generation g) {
        ObjectNode body = JSON.createObjectNode().put("id", id).put("object", "chat.completion").put("created", created)
                .put("model", llm.modelName());
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", g.text());
        choice.putNull("logprobs");
        choice.put("finish_reason", SseWriter.finishReason(g));
        body.set("usage", SseWriter.usage(g));
        return body;
    }

    /** One server-sent-events answer: headers at the first token, a chunk per piece of text, then finish, usage and [DONE]. */
    static final class SseWriter {

        private final HttpServerResponse response;
        private final Context context;
        private final String id;
        private final long created;
        private final String model;
        private volatile boolean started;

        SseWriter(HttpServerResponse response, Context context, String id, long created, String model) {
            this.response = response;
            this.context = context;
            this.id = id;
            this.created = created;
            this.model = model;
        }

        boolean started() {
            return started;
        }

        /** Called on the LLM thread for each piece of text; the write happens on the request's event loop, in order. */
        void delta(String text) {
            context.runOnContext(v -> {
                start();
                ObjectNode d = JSON.createObjectNode().put("content", text);
                send(chunk(d, null));
            });
        }

        void finish(Generation g, boolean includeUsage) {
            start();
            send(chunk(JSON.createObjectNode(), finishReason(g)));
            if (includeUsage) {
                ObjectNode last = base();
                last.putArray("choices");
                last.set("usage", usage(g));
                send(last);
            }
            end();
        }

        void error(String code, String message) {
            ObjectNode e = JSON.createObjectNode();
            e.putObject("error").put("code", code).put("message", message);
            send(e);
            end();
        }

        private void start() {
            if (!started) {
                started = true;
                response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream").putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
                ObjectNode role = JSON.createObjectNode().put("role", "assistant").put("content", "");
                send(chunk(role, null));
            }
        }

        private void end() {
            if (!response.ended() && !response.closed()) {
                response.end("data: [DONE]\n\n");
            }
        }

        private void send(ObjectNode event) {
            if (!response.ended() && !response.closed()) {
                response.write("data: " + event + "\n\n");
            }
        }

        private ObjectNode base() {
            return JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
        }

        private ObjectNode chunk(ObjectNode delta, String finish) {
            ObjectNode c = base();
            ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
            choice.set("delta", delta);
            choice.putNull("logprobs");
            if (finish == null) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", finish);
            }
            return c;
        }

        static String finishReason(Generation g) {
            return g.finishReason().equals("length") ? "length" : "stop";
        }

        static ObjectNode usage(Generation g) {
            return JSON.createObjectNode().put("prompt_tokens", g.promptTokens()).put("completion_tokens", g.completionTokens())
                    .put("total_tokens", g.promptTokens() + g.completionTokens());
        }
    }
}
