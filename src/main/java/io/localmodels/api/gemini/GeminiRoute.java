package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.api.errors.ApiException;
import io.localmodels.api.errors.Failures;
import io.localmodels.api.http.StrictJson;
import io.localmodels.llm.ChatMessage;
import io.localmodels.llm.GenerationRequest;
import io.localmodels.llm.LlmException;
import io.localmodels.llm.LlmService;
import io.localmodels.tts.SpeechService;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Google's Gemini REST API over the service's LLM, so that an app written for Gemini changes only its
 * base URL and key: {@code POST /{v1,v1beta,v1alpha}/models/{model}:generateContent} and
 * {@code :streamGenerateContent} (server-sent events with {@code ?alt=sse}), {@code GET .../models}
 * and {@code .../models/{model}}. Any model name is taken; {@code modelVersion} says what answered.
 * Errors come in Google's shape, {@code {"error":{"code","message","status"}}}.
 */
@ApplicationScoped
public class GeminiRoute {

    private static final Logger LOG = Logger.getLogger(GeminiRoute.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BODY = 20 << 20;
    static final String VERSIONS = "(v1|v1beta|v1alpha)";
    /** A Gemini call under /v1/, which OpenAI's routes share; compiled once, as the auth filter asks on every request. */
    private static final Pattern V1_METHOD = Pattern.compile("/v1/models/[^/:%]+(:|%3[Aa])[A-Za-z]+");

    private final LlmService llm;
    private final SpeechService speech;
    private final GeminiMedia media;
    private final GeminiChatServer chatServer;

    private final List<String> listed;

    public GeminiRoute(LlmService llm, SpeechService speech, GeminiMedia media, GeminiChatServer chatServer, GeminiConfig config) {
        this.listed = config.models().orElse(List.of()).stream().map(n -> n.startsWith("models/") ? n.substring(7) : n)
                .filter(n -> !n.isBlank()).toList();
        this.llm = llm;
        this.speech = speech;
        this.media = media;
        this.chatServer = chatServer;
    }

    /** The model that answers: the configured LLM server's, else the embedded one's (null while none is loaded). */
    private String answering() {
        return chatServer.configured() ? chatServer.modelName() : llm.state() == LlmService.State.READY ? llm.modelName() : null;
    }

    /** A path of the Gemini API (errors on it answer in Google's shape, its key may come as x-goog-api-key or ?key=). */
    public static boolean isGeminiPath(String path) {
        return path.startsWith("/v1beta/") || path.startsWith("/v1alpha/") || V1_METHOD.matcher(path).matches();
    }

    /** Google's SDKs name themselves in x-goog-api-client; GET /v1/models answers them in Gemini's shape, others in OpenAI's. */
    public static boolean fromGoogleClient(RoutingContext rc) {
        return rc.request().getHeader("x-goog-api-client") != null || rc.request().getHeader("x-goog-api-key") != null
                || rc.request().getParam("key") != null;
    }

    void install(@Observes Router router) {
        // the colon may come percent-encoded (some HTTP clients encode it in a path)
        router.postWithRegex("/" + VERSIONS + "/models/([^/:%]+)(?::|%3[Aa])(generateContent|streamGenerateContent|countTokens)")
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(this::post);
        router.getWithRegex("/(v1beta|v1alpha)/models").handler(this::models);
        router.getWithRegex("/" + VERSIONS + "/models/([^/:]+)").handler(rc -> model(rc, rc.pathParam("param1")));
    }

    public void models(RoutingContext rc) {
        ObjectNode body = JSON.createObjectNode();
        var list = body.putArray("models");
        if (answering() != null) {
            list.add(describe(answering()));
            listed.forEach(name -> list.add(describe(name)));
        }
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toString());
    }

    private void model(RoutingContext rc, String name) {
        if (answering() == null) {
            reply(rc, 404, "model " + name + " is not served: no LLM is loaded (" + llm.state().name().toLowerCase(Locale.ROOT) + ")");
            return;
        }
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(describe(name).toString());
    }

    private ObjectNode describe(String name) {
        String local = answering();
        ObjectNode m = JSON.createObjectNode().put("name", "models/" + name).put("version", local)
                .put("displayName", name + " (local: " + local + ")")
                .put("description", "Any model name is answered by this server's LLM, " + local);
        if (!chatServer.configured()) {
            m.put("inputTokenLimit", llm.contextSize()).put("outputTokenLimit", llm.defaultMaxTokens());
        }
        m.putArray("supportedGenerationMethods").add("generateContent").add("streamGenerateContent");
        return m;
    }

    private void post(RoutingContext rc) {
        String model = rc.pathParam("param1");
        String method = rc.pathParam("param2");
        boolean count = method.equals("countTokens");
        if (count && chatServer.configured()) {
            reply(rc, 501, "countTokens needs the embedded LLM's tokenizer; the configured LLM server (lma.analysis.base-url) has none here");
            return;
        }
        boolean stream = method.equals("streamGenerateContent");
        // a speech model speaks the text it is given: no LLM answers it
        boolean speechModel = !count && GeminiAudioAnswer.isSpeechModel(model);
        if (!speechModel && !chatServer.configured() && llm.state() != LlmService.State.READY) {
            reply(rc, 503, "no LLM is loaded: " + llm.state().name().toLowerCase(Locale.ROOT) + (llm.reason() != null ? ", " + llm.reason() : "")
                    + "; see /q/health/ready");
            return;
        }
        String id = UUID.randomUUID().toString().replace("-", "");
        AtomicBoolean gone = new AtomicBoolean();
        rc.response().closeHandler(v -> gone.set(true));
        Context context = Vertx.currentContext();
        String text = rc.body().asString("UTF-8");
        // a body of up to 16 MiB of base64 media: parsed and decoded on a worker thread, never on the event loop
        rc.vertx().<Prepared>executeBlocking(() -> prepare(text, count, speechModel), false).onComplete(prepared -> {
            if (prepared.failed()) {
                Throwable e = prepared.cause();
                reply(rc, e instanceof ApiException a ? a.status() : 500, e.getMessage());
                return;
            }
            GeminiRequests.GeminiCall call = prepared.result().call();
            if (count) {
                countTokens(rc, prepared.result(), context);
                return;
            }
            String answeredBy = speechModel ? speech.engine() : answering();
            GeminiStream sse = stream ? new GeminiStream(rc.response(), context, id, answeredBy) : null;
            GeminiAudioAnswer spoken;
            try {
                String script = speechModel ? GeminiAudioAnswer.script(call.turns(), call.speech().speakers(), speech.maxInputChars()) : null;
                spoken = speechModel || call.modalities().audio() ? new GeminiAudioAnswer(speech, call.speech(), sse, gone::get) : null;
                if (spoken != null) {
                    rc.addEndHandler(ended -> spoken.close());
                }
                if (speechModel) {
                    spoken.text(script);
                    spoken.finish(rc, id, answeredBy, null, null, context);
                    return;
                }
            } catch (ApiException e) {
                reply(rc, e.status(), e.getMessage());
                return;
            }
            prepared.result().messages().whenComplete((messages, failure) -> context.runOnContext(v -> {
                Throwable cause = Failures.cause(failure);
                if (cause instanceof ApiException e) {
                    reply(rc, e.status(), e.getMessage());
                } else if (cause != null) {
                    reply(rc, 500, "reading the request's media failed: " + cause.getMessage());
                } else if (gone.get()) {
                    LOG.debugf("gemini request %s: the client left before its media were read", id);
                } else if (chatServer.configured()) {
                    fromChatServer(rc, call, messages, id, sse, spoken, context);
                } else {
                    generate(rc, call, messages, id, sse, spoken, gone, context);
                }
            }));
        });
        LOG.debugf("gemini %s for model name %s", method, model);
    }

    /** A request read, with its media on their way to text. */
    private record Prepared(GeminiRequests.GeminiCall call, CompletionStage<List<ChatMessage>> messages) {
    }

    private Prepared prepare(String text, boolean count, boolean speechModel) {
        JsonNode body;
        try {
            body = StrictJson.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new ApiException(400, "INVALID_ARGUMENT", "Invalid JSON payload received. " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (count && GeminiRequests.field(body, "generateContentRequest").isObject()) {
            // a CountTokensRequest holds contents, or a whole generateContentRequest
            body = GeminiRequests.field(body, "generateContentRequest");
        }
        if (speechModel) {
            // only the text is spoken: no media is read, and no LLM's limits apply
            return new Prepared(GeminiRequests.read(body, 1, Integer.MAX_VALUE), CompletableFuture.completedFuture(List.of()));
        }
        GeminiRequests.GeminiCall call = chatServer.configured() ? GeminiRequests.read(body, llm.defaultMaxTokens(), Integer.MAX_VALUE)
                : GeminiRequests.read(body, Math.min(llm.defaultMaxTokens(), llm.contextSize()), llm.contextSize());
        return new Prepared(call, media.messages(call.turns(), chatServer.takesImages()));
    }

    private void countTokens(RoutingContext rc, Prepared prepared, Context context) {
        prepared.messages().thenCompose(messages -> {
            try {
                return llm.countTokens(messages);
            } catch (LlmException e) {
                return CompletableFuture.failedFuture(e);
            }
        }).whenComplete((n, failure) -> context.runOnContext(v -> {
            Throwable cause = Failures.cause(failure);
            if (cause instanceof ApiException e) {
                reply(rc, e.status(), e.getMessage());
            } else if (cause != null) {
                fail(rc, null, cause);
            } else {
                rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(JSON.createObjectNode().put("totalTokens", n).toString());
            }
        }));
    }

    private void fromChatServer(RoutingContext rc, GeminiRequests.GeminiCall call, List<ChatMessage> messages,
                                String id, GeminiStream sse, GeminiAudioAnswer spoken, Context context) {
        chatServer.generate(messages, call).whenComplete((g, error) -> context.runOnContext(v -> {
            Throwable cause = Failures.cause(error);
            if (cause != null) {
                int status = cause instanceof ApiException e ? e.status() : 500;
                if (sse != null && sse.started()) {
                    sse.error(status, cause.getMessage());
                } else {
                    reply(rc, status, cause.getMessage());
                }
            } else if (spoken != null) {
                if (sse != null && call.modalities().text()) {
                    sse.delta(g.text());
                }
                spoken.text(g.text());
                spoken.finish(rc, id, chatServer.modelName(), g, sse == null && call.modalities().text() ? g.text() : null, context);
            } else if (sse != null) {
                // the server's answer comes whole: one chunk with the text, then the closing one
                sse.whole(g);
            } else {
                rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(GeminiStream.response(id, chatServer.modelName(), g.text(), g).toString());
            }
        }));
    }

    private void generate(RoutingContext rc, GeminiRequests.GeminiCall call, List<ChatMessage> messages,
                          String id, GeminiStream sse, GeminiAudioAnswer spoken, AtomicBoolean gone, Context context) {
        boolean textOut = sse != null && call.modalities().text();
        Consumer<String> onText = spoken == null ? (textOut ? sse::delta : null) : piece -> {
            if (textOut) {
                sse.delta(piece);
            }
            spoken.text(piece);
        };
        GenerationRequest request = call.generation(messages, onText, gone::get);
        try {
            llm.generate(request).whenComplete((g, error) -> context.runOnContext(v -> {
                Throwable cause = Failures.cause(error);
                if (cause != null) {
                    fail(rc, sse, cause);
                } else if (spoken != null) {
                    spoken.finish(rc, id, llm.modelName(), g, sse == null && call.modalities().text() ? g.text() : null, context);
                } else if (sse != null) {
                    sse.finish(g);
                } else {
                    rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                            .end(GeminiStream.response(id, llm.modelName(), g.text(), g).toString());
                }
            }));
        } catch (LlmException e) {
            fail(rc, null, e);
        }
    }

    private void fail(RoutingContext rc, GeminiStream sse, Throwable cause) {
        LlmException e = cause instanceof LlmException le ? le : new LlmException(LlmException.Kind.FAILED, String.valueOf(cause));
        int status = switch (e.kind()) {
            case UNAVAILABLE -> 503;
            case BUSY -> 429;
            case CONTEXT_EXCEEDED -> 400;
            case FAILED -> 500;
        };
        if (sse != null && sse.started()) {
            sse.error(status, e.getMessage());
            return;
        }
        if (e.kind() == LlmException.Kind.BUSY) {
            rc.response().putHeader("Retry-After", "2");
        }
        reply(rc, status, e.getMessage());
    }

    /** Google's status name for an HTTP status, as its error bodies carry it. */
    static String status(int code) {
        return switch (code) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 413 -> "INVALID_ARGUMENT";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 501 -> "UNIMPLEMENTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> "INTERNAL";
        };
    }

    static JsonObject error(int code, String message) {
        return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message).put("status", status(code)));
    }

    public static void reply(RoutingContext rc, int code, String message) {
        if (rc.response().headWritten()) {
            rc.response().end();
            return;
        }
        rc.response().setStatusCode(code).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(error(code, message).encode());
    }
}
