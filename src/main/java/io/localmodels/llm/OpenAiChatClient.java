package io.localmodels.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The one client of an OpenAI-compatible chat-completions server (Ollama, vLLM, llama.cpp server,
 * LM Studio) that the session analysis and the vision-language model share: one POST to
 * {@code {base}/chat/completions} with a timeout and the bearer key, the failure said as a kind
 * the caller can act on (retry, fall back), and the answer's text. The key and the URL's
 * credentials never reach a message or a log.
 */
public final class OpenAiChatClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why a call gave no answer. */
    public static final class ChatFailure extends Exception {

        public enum Kind { TIMEOUT, UNREACHABLE, HTTP, NOT_JSON }

        private final Kind kind;
        private final int status;
        private final String body;

        ChatFailure(Kind kind, int status, String body, String message) {
            super(message);
            this.kind = kind;
            this.status = status;
            this.body = body;
        }

        public Kind kind() {
            return kind;
        }

        /** The HTTP status (kind HTTP), else 0. */
        public int status() {
            return status;
        }

        /** The error body the server sent (kind HTTP), else empty. */
        public String body() {
            return body;
        }

        /** A transport problem, a timeout, 429 or 5xx: worth another attempt. */
        public boolean retryable() {
            return kind != Kind.HTTP || status == 429 || status >= 500;
        }
    }

    private final URI endpoint;
    private final Optional<String> apiKey;
    private final Duration timeout;
    private final HttpClient http;
    private final String label;

    /** @param label what the server is called in messages ("analysis server", "VLM server") */
    public OpenAiChatClient(URI baseUrl, Optional<String> apiKey, Duration timeout, String label) {
        String base = baseUrl.toString().replaceAll("/+$", "");
        this.endpoint = URI.create(base + "/chat/completions");
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.label = label;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The response document of one call; throws with the reason when there is none. */
    public JsonNode complete(ObjectNode body) throws ChatFailure, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        apiKey.ifPresent(k -> b.header("Authorization", "Bearer " + k));
        HttpResponse<String> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new ChatFailure(ChatFailure.Kind.TIMEOUT, 0, "", "no answer from the " + label + " within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            throw new ChatFailure(ChatFailure.Kind.UNREACHABLE, 0, "", "cannot reach the " + label + " at " + endpoint.getHost() + ":"
                    + endpoint.getPort() + " (" + e.getClass().getSimpleName() + ")");
        }
        if (response.statusCode() != 200) {
            String text = response.body() == null ? "" : response.body();
            throw new ChatFailure(ChatFailure.Kind.HTTP, response.statusCode(), text, "HTTP " + response.statusCode() + " from the " + label);
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ChatFailure(ChatFailure.Kind.NOT_JSON, 0, "", "the " + label + "'s response is not JSON");
        }
    }

    /** {@code choices[0].message.content}: a string, or the text parts joined; empty when there is none. */
    public static Optional<String> content(JsonNode response) {
        JsonNode c = response.path("choices").path(0).path("message").path("content");
        if (c.isTextual()) {
            return Optional.of(c.asText());
        }
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            c.forEach(p -> sb.append(p.path("text").asText("")));
            return Optional.of(sb.toString());
        }
        return Optional.empty();
    }

    /** The text without a Markdown code fence around it (```json ... ```), which chat models like to add. */
    public static String withoutCodeFence(String text) {
        String t = text.strip();
        if (t.startsWith("```")) {
            t = t.replaceFirst("^```[a-zA-Z]*\\s*", "").replaceFirst("\\s*```$", "");
        }
        return t;
    }

    /** A URL without user info, query or fragment, for logs. */
    public static String redact(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + u.getPath();
    }
}
