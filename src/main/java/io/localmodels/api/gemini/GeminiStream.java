package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.llm.Generation;
import io.vertx.core.Context;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Gemini's answers: a {@code GenerateContentResponse}, and streamGenerateContent with alt=sse, a
 * response per piece of text, the last with finish and usage.
 */
final class GeminiStream {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A GenerateContentResponse: one candidate holding {@code text}; finish and usage when {@code g} is the whole answer. */
    static ObjectNode response(String id, String modelVersion, String text, Generation g) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode candidate = body.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content").put("role", "model");
        content.putArray("parts").addObject().put("text", text);
        candidate.put("index", 0);
        if (g != null) {
            candidate.put("finishReason", g.finishReason().equals("length") ? "MAX_TOKENS" : "STOP");
            body.putObject("usageMetadata").put("promptTokenCount", g.promptTokens()).put("candidatesTokenCount", g.completionTokens())
                    .put("totalTokenCount", g.promptTokens() + g.completionTokens());
        }
        body.put("modelVersion", modelVersion).put("responseId", id);
        return body;
    }

    private final HttpServerResponse response;
    private final Context context;
    private final String id;
    private final String model;
    private volatile boolean started;

    GeminiStream(HttpServerResponse response, Context context, String id, String model) {
        this.response = response;
        this.context = context;
        this.id = id;
        this.model = model;
    }

    boolean started() {
        return started;
    }

    void delta(String text) {
        context.runOnContext(v -> send(response(id, model, text, null)));
    }

    void finish(Generation g) {
        send(response(id, model, "", g));
        end();
    }

    /** A whole answer at once (on the request's context). */
    void whole(Generation g) {
        send(response(id, model, g.text(), null));
        finish(g);
    }

    void error(int code, String message) {
        send(JSON.valueToTree(GeminiRoute.error(code, message).getMap()));
        end();
    }

    private void send(JsonNode event) {
        if (!started) {
            started = true;
            response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream").putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        }
        if (!response.ended() && !response.closed()) {
            response.write("data: " + event + "\r\n\r\n");
        }
    }

    private void end() {
        if (!response.ended() && !response.closed()) {
            response.end();
        }
    }
}
