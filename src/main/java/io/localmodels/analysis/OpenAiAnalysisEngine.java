package io.localmodels.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Analysis by any OpenAI-compatible chat-completions server (Ollama, vLLM, llama.cpp server, LM
 * Studio): structured output (json_schema, or json_object where the server refuses schemas),
 * one repair round for an answer that is not the requested JSON, retries with backoff on transport
 * errors and 429/5xx, and transcripts longer than the context analysed in chunks and merged.
 */
public final class OpenAiAnalysisEngine extends ChunkedAnalysisEngine {

    private static final Logger LOG = Logger.getLogger(OpenAiAnalysisEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AnalysisConfig config;
    private final HttpClient http;
    private final URI endpoint;
    private final MeterRegistry meters;
    private final AtomicBoolean schemaRefused = new AtomicBoolean();

    public OpenAiAnalysisEngine(AnalysisConfig config, MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
        String base = config.baseUrl().orElseThrow(() -> new IllegalStateException("lma.analysis.base-url is not set"));
        this.endpoint = URI.create(base.replaceAll("/+$", "") + "/chat/completions");
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
    }

    @Override
    public String name() {
        return "openai";
    }

    @Override
    protected String model() {
        return config.model();
    }

    @Override
    protected int contextTokens() {
        return config.contextTokens();
    }

    @Override
    protected int answerTokens() {
        return config.maxAnswerTokens();
    }

    @Override
    protected SessionAnalysis ask(String language, String userPrompt) throws AnalysisFailure, InterruptedException {
        ArrayNode messages = JSON.createArrayNode();
        messages.addObject().put("role", "system").put("content", Prompts.system(language));
        messages.addObject().put("role", "user").put("content", userPrompt);
        String answer = complete(messages);
        try {
            return AnalysisJson.parse(answer);
        } catch (AnalysisJson.InvalidAnalysis first) {
            LOG.infof("analysis answer was not valid (%s); asking once for a repair", first.getMessage());
            messages.addObject().put("role", "assistant").put("content", answer);
            messages.addObject().put("role", "user").put("content", Prompts.repair(language, first.getMessage()));
            String repaired = complete(messages);
            try {
                return AnalysisJson.parse(repaired);
            } catch (AnalysisJson.InvalidAnalysis second) {
                throw new AnalysisFailure("the model's answer was not valid analysis JSON, also after one repair round: " + second.getMessage());
            }
        }
    }

    /** One chat completion with retries; answers the message content. */
    private String complete(ArrayNode messages) throws AnalysisFailure, InterruptedException {
        String lastProblem = null;
        for (int attempt = 0; attempt <= config.retries(); attempt++) {
            if (attempt > 0) {
                Thread.sleep(config.retryBackoff().toMillis() * attempt);
            }
            boolean schema = useSchema();
            HttpResponse<String> response;
            try {
                response = http.send(request(messages, schema), HttpResponse.BodyHandlers.ofString());
            } catch (java.net.http.HttpTimeoutException e) {
                lastProblem = "no answer within " + config.timeout().toSeconds() + " s (lma.analysis.timeout)";
                continue;
            } catch (IOException e) {
                lastProblem = "cannot reach " + endpoint.getHost() + ":" + endpoint.getPort() + " (" + e.getClass().getSimpleName() + ")";
                continue;
            }
            int status = response.statusCode();
            if (status == 400 && schema && config.structuredOutput() == AnalysisConfig.StructuredOutput.AUTO
                    && response.body().toLowerCase().matches("(?s).*(response_format|json_schema|schema).*")) {
                LOG.infof("the analysis server refused response_format json_schema; using json_object from now on");
                schemaRefused.set(true);
                attempt--;
                continue;
            }
            if (status == 429 || status >= 500) {
                lastProblem = "HTTP " + status + " from the analysis server";
                continue;
            }
            if (status != 200) {
                throw new AnalysisFailure("HTTP " + status + " from the analysis server: " + abbreviate(response.body()));
            }
            try {
                JsonNode body = JSON.readTree(response.body());
                JsonNode usage = body.path("usage");
                if (usage.isObject()) {
                    meters.counter("lma_llm_tokens_total", "kind", "prompt").increment(usage.path("prompt_tokens").asDouble());
                    meters.counter("lma_llm_tokens_total", "kind", "completion").increment(usage.path("completion_tokens").asDouble());
                }
                JsonNode content = body.path("choices").path(0).path("message").path("content");
                if (!content.isTextual()) {
                    throw new AnalysisFailure("the analysis server's answer has no choices[0].message.content");
                }
                return content.asText();
            } catch (IOException e) {
                lastProblem = "the analysis server's response is not JSON";
            }
        }
        throw new AnalysisFailure(lastProblem + " (after " + (config.retries() + 1) + " attempts)");
    }

    private boolean useSchema() {
        return switch (config.structuredOutput()) {
            case JSON_SCHEMA -> true;
            case JSON_OBJECT -> false;
            case AUTO -> !schemaRefused.get();
        };
    }

    private HttpRequest request(ArrayNode messages, boolean schema) {
        ObjectNode body = JSON.createObjectNode().put("model", config.model()).put("temperature", config.temperature())
                .put("max_tokens", config.maxAnswerTokens()).put("stream", false);
        body.set("messages", messages);
        if (schema) {
            ObjectNode format = body.putObject("response_format").put("type", "json_schema");
            format.putObject("json_schema").put("name", "session_analysis").put("strict", true).set("schema", AnalysisJson.schema());
        } else {
            body.putObject("response_format").put("type", "json_object");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(config.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        config.apiKey().ifPresent(k -> b.header("Authorization", "Bearer " + k));
        return b.build();
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
