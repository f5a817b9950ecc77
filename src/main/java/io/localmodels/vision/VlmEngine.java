package io.localmodels.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.llm.OpenAiChatClient;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Scene description by a vision-language model behind any OpenAI-compatible chat-completions
 * server, with the seeds' expert-visual-assistant prompt in the request's language. A circuit
 * breaker skips the VLM after repeated failures so a dead server costs no time per frame; callers
 * fall back to the template description. Neither the API key nor URL credentials are ever logged.
 */
@Singleton
public class VlmEngine {

    private static final Logger LOG = Logger.getLogger(VlmEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String PROMPT_ES = "Actúa como asistente visual experto. Describe con detalle qué se ve en la imagen: "
            + "personas, objetos, entorno y actividades relevantes. Indica si ves algo que pueda ser peligroso o extraño "
            + "y explica por qué. Si corresponde, sugiere acciones o recomendaciones útiles para la persona que toma la "
            + "foto. Responde en español.";
    static final String PROMPT_EN = "Act as an expert visual assistant. Describe in detail what you see: people, "
            + "objects, environment, and relevant activities. Indicate if anything looks dangerous or unusual and "
            + "explain why. If appropriate, suggest useful actions or recommendations for the person taking the "
            + "picture. Answer in English.";
    static final String JSON_HINT_ES = " Si puedes, responde solo con JSON: {\"description\": \"...\", \"risks\": "
            + "[{\"level\": \"low|medium|high\", \"message\": \"...\", \"reason\": \"...\"}]}.";
    static final String JSON_HINT_EN = " If you can, answer only with JSON: {\"description\": \"...\", \"risks\": "
            + "[{\"level\": \"low|medium|high\", \"message\": \"...\", \"reason\": \"...\"}]}.";

    private final VlmConfig config;
    private final OpenAiChatClient client;
    private int consecutiveFailures;
    private long openUntilNanos = CLOSED;
    private static final long CLOSED = Long.MIN_VALUE;
    // the breaker's time source; tests move it instead of sleeping through open-duration
    private LongSupplier nanoClock = System::nanoTime;
    private volatile String lastError;

    public VlmEngine(VlmConfig config) {
        this.config = config;
        this.client = config.baseUrl().map(u -> new OpenAiChatClient(u, config.apiKey(), config.timeout(), "VLM server")).orElse(null);
        config.baseUrl().ifPresent(u -> LOG.infof("vision VLM: %s model %s", redact(u), config.model()));
    }

    public boolean configured() {
        return config.baseUrl().isPresent();
    }

    public String model() {
        return config.model();
    }

    /** ok, degraded (circuit open or last call failed) or disabled; with the last error when degraded. */
    public synchronized String state() {
        if (!configured()) {
            return "disabled";
        }
        return lastError == null && nanoClock.getAsLong() >= openUntilNanos ? "ok" : "degraded";
    }

    public String lastError() {
        return lastError;
    }

    /** The VLM's answer, or empty when it is not configured, the circuit is open, or the call failed. */
    public Optional<VlmAnswer> describe(byte[] image, String mimeType, String language, String extraPrompt) {
        if (!configured() || !allowCall()) {
            return Optional.empty();
        }
        try {
            VlmAnswer answer = call(image, mimeType, language, extraPrompt);
            succeeded();
            return Optional.of(answer);
        } catch (Exception e) {
            failed(e instanceof OpenAiChatClient.ChatFailure f && f.kind() == OpenAiChatClient.ChatFailure.Kind.TIMEOUT
                    ? "timeout after " + config.timeout().toMillis() + " ms" : e.getMessage());
            return Optional.empty();
        }
    }

    private synchronized boolean allowCall() {
        return nanoClock.getAsLong() >= openUntilNanos;
    }

    /** Tests: the breaker's clock (nanoseconds, like System.nanoTime). */
    synchronized void useClock(LongSupplier nanos) {
        nanoClock = nanos;
    }

    /** Tests: a closed breaker with no failure counted, as after start-up. */
    synchronized void resetBreaker() {
        consecutiveFailures = 0;
        openUntilNanos = CLOSED;
        lastError = null;
    }

    private synchronized void succeeded() {
        consecutiveFailures = 0;
        lastError = null;
    }

    private synchronized void failed(String reason) {
        lastError = reason;
        consecutiveFailures++;
        if (consecutiveFailures >= config.failureThreshold()) {
            openUntilNanos = nanoClock.getAsLong() + config.openDuration().toNanos();
            LOG.warnf("vision VLM at %s failed %d times in a row (%s); skipping it for %d s",
                    redact(config.baseUrl().get()), consecutiveFailures, reason, config.openDuration().toSeconds());
            consecutiveFailures = 0;
        } else {
            LOG.warnf("vision VLM call failed: %s", reason);
        }
    }

    private VlmAnswer call(byte[] image, String mimeType, String language, String extraPrompt) throws Exception {
        boolean es = !"en".equals(language);
        String prompt = (es ? PROMPT_ES : PROMPT_EN) + (extraPrompt == null || extraPrompt.isBlank() ? "" : " " + extraPrompt)
                + (es ? JSON_HINT_ES : JSON_HINT_EN);
        ObjectNode body = JSON.createObjectNode().put("model", config.model()).put("max_tokens", config.maxTokens())
                .put("temperature", 0.2);
        ArrayNode content = body.putArray("messages").addObject().put("role", "user").putArray("content");
        content.addObject().put("type", "image_url").putObject("image_url")
                .put("url", "data:" + mimeType + ";base64," + Base64.getEncoder().encodeToString(image));
        content.addObject().put("type", "text").put("text", prompt);
        String text = OpenAiChatClient.content(client.complete(body)).orElse(null);
        if (text == null || text.isBlank()) {
            throw new IOException("the VLM answer has no choices[0].message.content");
        }
        return parseAnswer(text.trim());
    }

    /** JSON with description and risks when the model followed the hint, plain text otherwise. */
    static VlmAnswer parseAnswer(String text) {
        String candidate = OpenAiChatClient.withoutCodeFence(text);
        if (candidate.startsWith("{")) {
            try {
                JsonNode n = JSON.readTree(candidate);
                if (n.path("description").isTextual()) {
                    List<Risk> risks = new ArrayList<>();
                    for (JsonNode r : n.path("risks")) {
                        String level = r.path("level").asText("medium").toLowerCase(Locale.ROOT);
                        Risk.Level l = switch (level) {
                            case "low", "high" -> Risk.Level.valueOf(level);
                            default -> Risk.Level.medium;
                        };
                        String message = r.path("message").asText("");
                        if (!message.isBlank()) {
                            risks.add(new Risk(l, message, "vlm: " + r.path("reason").asText("reported by the vision model")));
                        }
                    }
                    return new VlmAnswer(n.path("description").asText(), risks);
                }
            } catch (IOException e) {
                // not JSON after all: the text is the description
            }
        }
        return new VlmAnswer(text, List.of());
    }

    static String redact(URI u) {
        return OpenAiChatClient.redact(u);
    }
}
