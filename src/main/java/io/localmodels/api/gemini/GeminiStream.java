package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.llm.Generation;
import io.vertx.core.Context;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

import java.util.Base64;
import java.util.List;

/**
 * Gemini's answers: a {@code GenerateContentResponse}, and streamGenerateContent with alt=sse, a
 * response per piece of text, the last with finish and usage.
 */
final class GeminiStream {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A GenerateContentResponse: one candidate holding {@code text}; finish and usage when {@code g} is the whole answer. */
    static ObjectNode response(String id, String modelVersion, String text, Generation g) {
        return response(id, modelVersion, List.of(textPart(text)), g, g != null);
    }

    /**
     * A GenerateContentResponse: one candidate holding {@code parts}; the finish reason when {@code last},
     * with usage when {@code g} is not null (a speech model's answer has no LLM behind it).
     */
    static ObjectNode response(String id, String modelVersion, List<ObjectNode> parts, Generation g, boolean last) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode candidate = body.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content").put("role", "model");
        content.putArray("parts").addAll(parts);
        candidate.put("index", 0);
        if (last) {
            candidate.put("finishReason", g != null && g.finishReason().equals("length") ? "MAX_TOKENS" : "STOP");
        }
        if (g != null) {
            body.putObject("usageMetadata").put("promptTokenCount", g.promptTokens()).put("candidatesTokenCount", g.completionTokens())
                    .put("totalTokenCount", g.promptTokens() + g.completionTokens());
        }
        body.put("modelVersion", modelVersion).put("responseId", id);
        return body;
    }

    static ObjectNode textPart(String text) {
        return JSON.createObjectNode().put("text", text);
    }

    /** An inlineData part of 24 kHz PCM16, as Google's speech models answer. */
    static ObjectNode audioPart(byte[] pcm) {
        ObjectNode part = JSON.createObjectNode();
        part.putObject("inlineData").put("mimeType", GeminiAudioAnswer.MIME_TYPE).put("data", Base64.getEncoder().encodeToString(pcm));
        return part;
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

    /** A piece of spoken answer (from the synthesis thread). */
    void audio(byte[] pcm) {
        ObjectNode event = response(id, model, List.of(audioPart(pcm)), null, false);
        context.runOnContext(v -> send(event));
    }

    void finish(Generation g) {
        send(response(id, model, "", g));
        end();
    }

    /** The last event of an answer that has no text left to send: its finish reason, and usage when an LLM answered. */
    void finishSpoken(Generation g) {
        send(response(id, model, List.of(), g, true));
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
