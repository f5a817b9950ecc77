package io.localmodels.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.llm.OpenAiChatClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.net.URI;
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
    private final OpenAiChatClient client;
    private final MeterRegistry meters;
    private final AtomicBoolean schemaRefused = new AtomicBoolean();

    public OpenAiAnalysisEngine(AnalysisConfig config, MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
        String base = config.baseUrl().orElseThrow(() -> new IllegalStateException("lma.analysis.base-url is not set"));
        this.client = new OpenAiChatClient(URI.create(base), config.apiKey(), config.timeout(), "analysis server");
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
            JsonNode body;
            try {
                body = client.complete(request(messages, schema));
            } catch (OpenAiChatClient.ChatFailure f) {
                if (f.kind() == OpenAiChatClient.ChatFailure.Kind.HTTP && f.status() == 400 && schema
                        && config.structuredOutput() == AnalysisConfig.StructuredOutput.AUTO
                        && f.body().toLowerCase().matches("(?s).*(response_format|json_schema|schema).*")) {
                    LOG.infof("the analysis server refused response_format json_schema; using json_object from now on");
                    schemaRefused.set(true);
                    attempt--;
                    continue;
                }
                if (!f.retryable()) {
                    throw new AnalysisFailure(f.getMessage() + ": " + abbreviate(f.body()));
                }
                lastProblem = f.kind() == OpenAiChatClient.ChatFailure.Kind.TIMEOUT
                        ? "no answer within " + config.timeout().toSeconds() + " s (lma.analysis.timeout)" : f.getMessage();
                continue;
            }
            JsonNode usage = body.path("usage");
            if (usage.isObject()) {
                meters.counter("lma_llm_tokens_total", "kind", "prompt").increment(usage.path("prompt_tokens").asDouble());
                meters.counter("lma_llm_tokens_total", "kind", "completion").increment(usage.path("completion_tokens").asDouble());
            }
            return OpenAiChatClient.content(body)
                    .orElseThrow(() -> new AnalysisFailure("the analysis server's answer has no choices[0].message.content"));
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

    private ObjectNode request(ArrayNode messages, boolean schema) {
        ObjectNode body = JSON.createObjectNode().put("model", config.model()).put("temperature", config.temperature())
                .put("max_tokens", config.maxAnswerTokens()).put("stream", false);
        body.set("messages", messages);
        if (schema) {
            ObjectNode format = body.putObject("response_format").put("type", "json_schema");
            format.putObject("json_schema").put("name", "session_analysis").put("strict", true).set("schema", AnalysisJson.schema());
        } else {
            body.putObject("response_format").put("type", "json_object");
        }
        return body;
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
