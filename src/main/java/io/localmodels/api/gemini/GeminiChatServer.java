package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.analysis.AnalysisConfig;
import io.localmodels.api.errors.ApiException;
import io.localmodels.llm.ChatMessage;
import io.localmodels.llm.Generation;
import io.localmodels.llm.OpenAiChatClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The Gemini API's answers from the OpenAI-compatible server named by {@code lma.analysis.base-url}
 * (the service's one LLM setting: when it is set, the analysis and the Gemini API both use that
 * server). Calls block, so they run on a small pool of their own with a bounded queue.
 */
@ApplicationScoped
public class GeminiChatServer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int THREADS = 4;
    private static final int QUEUE = 16;

    private final OpenAiChatClient client;
    private final String model;
    private final boolean vision;
    private final ThreadPoolExecutor executor;

    public GeminiChatServer(AnalysisConfig config) {
        this.client = config.baseUrl().filter(u -> !u.isBlank())
                .map(u -> new OpenAiChatClient(URI.create(u), config.apiKey(), config.timeout(), "LLM server")).orElse(null);
        this.model = config.model();
        this.vision = config.vision();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "gemini-chat-server");
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Whether an OpenAI-compatible server is configured (then it answers instead of the embedded LLM). */
    boolean configured() {
        return client != null;
    }

    /** The server is configured and its model takes images (lma.analysis.vision). */
    boolean takesImages() {
        return client != null && vision;
    }

    String modelName() {
        return model;
    }

    /** The server's whole answer; fails with an {@link ApiException} in Google's terms. */
    CompletionStage<Generation> generate(List<ChatMessage> messages, GeminiRequests.GeminiCall call) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("temperature", call.temperature()).put("top_p", call.topP())
                .put("max_tokens", call.maxTokens());
        var list = body.putArray("messages");
        for (ChatMessage m : messages) {
            ObjectNode message = list.addObject().put("role", m.role());
            if (m.images().isEmpty()) {
                message.put("content", m.content());
                continue;
            }
            // OpenAI's content parts: the text, then each image as a data URL
            var parts = message.putArray("content");
            parts.addObject().put("type", "text").put("text", m.content());
            for (ChatMessage.Image image : m.images()) {
                parts.addObject().put("type", "image_url").putObject("image_url").put("url", "data:" + image.mimeType() + ";base64,"
                        + Base64.getEncoder().encodeToString(image.data()));
            }
        }
        if (!call.stop().isEmpty()) {
            var stop = body.putArray("stop");
            call.stop().forEach(stop::add);
        }
        if (call.seed() >= 0) {
            body.put("seed", call.seed());
        }
        if (call.jsonSchema() != null) {
            ObjectNode format = body.putObject("response_format").put("type", "json_schema");
            format.putObject("json_schema").put("name", "answer").put("strict", true).set("schema", call.jsonSchema());
        } else if (call.json()) {
            body.putObject("response_format").put("type", "json_object");
        }
        long t0 = System.nanoTime();
        try {
            return CompletableFuture.supplyAsync(() -> call(body, t0), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new ApiException(429, "RESOURCE_EXHAUSTED",
                    QUEUE + " requests already wait for the LLM server; retry later"));
        }
    }

    private Generation call(ObjectNode body, long t0) {
        JsonNode response;
        try {
            response = client.complete(body);
        } catch (OpenAiChatClient.ChatFailure f) {
            int status = switch (f.kind()) {
                case TIMEOUT -> 504;
                case UNREACHABLE -> 503;
                case HTTP -> f.status() == 429 ? 429 : f.status() == 400 ? 400 : 503;
                case NOT_JSON -> 503;
            };
            throw new ApiException(status, GeminiRoute.status(status), f.getMessage() + (f.body().isBlank() ? ""
                    : ": " + f.body().substring(0, Math.min(300, f.body().length()))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "UNAVAILABLE", "the server is shutting down");
        }
        String text = OpenAiChatClient.content(response).orElse("");
        JsonNode usage = response.path("usage");
        String finish = response.path("choices").path(0).path("finish_reason").asText("stop");
        long total = System.nanoTime() - t0;
        return new Generation(text, usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0),
                finish.equals("length") ? "length" : "stop", total, total);
    }

    @PreDestroy
    void close() {
        executor.shutdownNow();
    }
}
