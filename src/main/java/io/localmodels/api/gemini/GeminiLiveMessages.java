package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.localmodels.api.errors.ApiException;
import io.localmodels.api.http.StrictJson;
import io.localmodels.llm.LlmException;
import io.localmodels.tts.TtsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Gemini Live's client messages, read (camelCase or snake_case), and how a refusal closes the socket:
 * Google's server closes with a code and the status in the reason, so this one does too.
 */
final class GeminiLiveMessages {

    private static final Set<String> MESSAGES = Set.of("setup", "realtimeInput", "clientContent", "toolResponse");
    private static final Set<String> REALTIME = Set.of("audio", "mediaChunks", "video", "text", "audioStreamEnd", "activityStart",
            "activityEnd");

    private GeminiLiveMessages() {
    }

    sealed interface ClientMessage {
        /** The whole message: its reading needs the LLM's limits ({@link GeminiLiveSetup#read}). */
        record Setup(JsonNode message) implements ClientMessage {
        }

        /** realtimeInput: the media in order (audio and images), the markers, and typed text (null for none). */
        record Realtime(List<GeminiRequests.Part.Media> media, boolean activityStart, boolean activityEnd, boolean audioStreamEnd,
                        String text) implements ClientMessage {
        }

        /** clientContent: turns for the history; answered when {@code complete}. */
        record Content(List<GeminiRequests.Turn> turns, boolean complete) implements ClientMessage {
        }
    }

    /** A close code and its reason (status first, at most 123 bytes once sent). */
    record Close(int code, String reason) {
    }

    static ClientMessage parse(String text) {
        JsonNode message;
        try {
            message = StrictJson.MAPPER.readTree(text);
        } catch (Exception e) {
            throw GeminiRequests.invalid("Invalid JSON payload received. " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (message == null || !message.isObject() || message.size() != 1) {
            throw GeminiRequests.invalid("a client message is an object with one of setup, realtimeInput, clientContent, toolResponse");
        }
        GeminiRequests.known(message, MESSAGES, "");
        if (!GeminiRequests.field(message, "setup").isMissingNode()) {
            return new ClientMessage.Setup(message);
        }
        if (!GeminiRequests.field(message, "toolResponse").isMissingNode()) {
            throw GeminiRequests.invalid("toolResponse: this server has no function calling");
        }
        JsonNode content = GeminiRequests.field(message, "clientContent");
        if (!content.isMissingNode()) {
            List<GeminiRequests.Turn> turns = new ArrayList<>();
            JsonNode given = GeminiRequests.field(content, "turns");
            for (int i = 0; i < given.size(); i++) {
                String role = given.get(i).path("role").asText("user");
                if (!role.equals("user") && !role.equals("model")) {
                    throw GeminiRequests.invalid("clientContent.turns[" + i + "].role must be 'user' or 'model'");
                }
                turns.add(new GeminiRequests.Turn(role.equals("model") ? "assistant" : "user",
                        GeminiRequests.parts(given.get(i), "clientContent.turns[" + i + "]")));
            }
            return new ClientMessage.Content(turns, GeminiRequests.field(content, "turnComplete").asBoolean(false));
        }
        return realtime(GeminiRequests.field(message, "realtimeInput"));
    }

    private static ClientMessage.Realtime realtime(JsonNode input) {
        GeminiRequests.known(input, REALTIME, "realtimeInput.");
        List<JsonNode> blobs = new ArrayList<>();
        GeminiRequests.field(input, "mediaChunks").forEach(blobs::add);
        for (String one : new String[] {"audio", "video"}) {
            if (GeminiRequests.field(input, one).isObject()) {
                blobs.add(GeminiRequests.field(input, one));
            }
        }
        List<GeminiRequests.Part.Media> media = new ArrayList<>();
        for (JsonNode blob : blobs) {
            GeminiRequests.Part.Media m = GeminiRequests.media(blob, "realtimeInput");
            if (m.kind() == GeminiRequests.Part.Kind.AUDIO && m.pcmRate() == 0) {
                throw GeminiRequests.invalid("realtimeInput audio must be audio/pcm;rate=… (16-bit little-endian mono); got " + m.mimeType());
            }
            media.add(m);
        }
        String text = GeminiRequests.field(input, "text").asText("");
        return new ClientMessage.Realtime(media, !GeminiRequests.field(input, "activityStart").isMissingNode(),
                !GeminiRequests.field(input, "activityEnd").isMissingNode(), GeminiRequests.field(input, "audioStreamEnd").asBoolean(false),
                text.isBlank() ? null : text);
    }

    /**
     * How a failure closes the socket: 1007 bad input, 1013 busy or not ready (retry, resume), 1011
     * a fault; null for a failure that is not a refusal (the caller logs it as a fault).
     */
    static Close refusal(Throwable cause) {
        if (cause instanceof ApiException e) {
            int code = e.status() == 400 ? 1007 : e.status() == 429 || e.status() == 503 ? 1013 : 1011;
            return new Close(code, e.code() + ": " + e.getMessage());
        }
        if (cause instanceof LlmException e) {
            return switch (e.kind()) {
                case BUSY -> new Close(1013, "RESOURCE_EXHAUSTED: " + e.getMessage());
                case UNAVAILABLE -> new Close(1013, "UNAVAILABLE: " + e.getMessage());
                case CONTEXT_EXCEEDED -> new Close(1007, "INVALID_ARGUMENT: " + e.getMessage());
                case FAILED -> new Close(1011, "INTERNAL: " + e.getMessage());
            };
        }
        if (cause instanceof TtsException e) {
            return switch (e.kind()) {
                case INVALID -> new Close(1007, "INVALID_ARGUMENT: " + e.getMessage());
                case BUSY -> new Close(1013, "RESOURCE_EXHAUSTED: " + e.getMessage());
                case UNAVAILABLE -> new Close(1013, "UNAVAILABLE: " + e.getMessage());
                case FAILED -> new Close(1011, "INTERNAL: " + e.getMessage());
            };
        }
        return null;
    }
}
