package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.vad.VadParameters;

import java.util.Locale;
import java.util.Set;

/**
 * The first message of a Gemini Live session ({@code BidiGenerateContentSetup}), read: how the LLM
 * answers (the same rules as generateContent's), whether input transcriptions go out, how speech
 * is detected (Google's activity-detection settings mapped onto the Silero VAD) and whether the
 * session can be resumed. A refusal is an {@link ApiException} naming the field.
 *
 * @param generation the LLM settings and the system instruction (as its only turn); its modalities say
 *                   whether answers are text or speech
 * @param outputTranscription spoken answers also go out as text ({@code outputTranscription})
 * @param automaticActivity the VAD finds speech; false: the client sends activityStart / activityEnd
 * @param interrupts speech (or activityStart) during an answer stops it
 * @param resumeHandle the handle of the session this one continues; null for a new session
 */
record GeminiLiveSetup(String model, GeminiRequests.GeminiCall generation, boolean inputTranscription, boolean outputTranscription,
                       boolean automaticActivity,
                       boolean interrupts, VadParameters vad, boolean resumable, String resumeHandle) {

    private static final Set<String> SETUP = Set.of("model", "generationConfig", "systemInstruction", "tools", "inputAudioTranscription",
            "outputAudioTranscription", "realtimeInputConfig", "sessionResumption", "contextWindowCompression", "safetySettings");
    /** generationConfig fields of Live on top of generateContent's; taken and left alone (they tune Google's own models). */
    private static final Set<String> LIVE_ONLY_CONFIG = Set.of("mediaResolution", "enableAffectiveDialog");
    private static final Set<String> REALTIME = Set.of("automaticActivityDetection", "activityHandling", "turnCoverage");
    private static final Set<String> DETECTION = Set.of("disabled", "startOfSpeechSensitivity", "endOfSpeechSensitivity",
            "prefixPaddingMs", "silenceDurationMs");

    static GeminiLiveSetup read(JsonNode message, VadParameters vadDefaults, int defaultMaxTokens, int maxTokensCeiling) {
        JsonNode setup = GeminiRequests.field(message, "setup");
        if (!setup.isObject()) {
            throw GeminiRequests.invalid("the first message must be a setup message ({\"setup\": {\"model\": …}})");
        }
        GeminiRequests.known(setup, SETUP, "setup.");
        JsonNode tools = GeminiRequests.field(setup, "tools");
        if (tools.isArray() && !tools.isEmpty()) {
            throw GeminiRequests.invalid("setup.tools is not supported by this server (function calling needs Google's models)");
        }
        String model = GeminiRequests.field(setup, "model").asText("");
        if (model.isBlank()) {
            throw GeminiRequests.invalid("setup.model is required");
        }
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        JsonNode given = GeminiRequests.field(setup, "generationConfig");
        if (given.isObject()) {
            given.fields().forEachRemaining(f -> {
                if (LIVE_ONLY_CONFIG.stream().noneMatch(n -> n.equals(f.getKey()) || GeminiRequests.snake(n).equals(f.getKey()))) {
                    config.set(f.getKey(), f.getValue());
                }
            });
        }
        // generateContent's reading of the generation settings and the system instruction, with an empty user turn
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        request.putArray("contents").addObject().put("role", "user").putArray("parts").addObject().put("text", "");
        request.set("generationConfig", config);
        JsonNode system = GeminiRequests.field(setup, "systemInstruction");
        if (!system.isMissingNode()) {
            request.set("systemInstruction", system);
        }
        GeminiRequests.GeminiCall read = GeminiRequests.read(request, defaultMaxTokens, maxTokensCeiling);
        GeminiRequests.GeminiCall generation = new GeminiRequests.GeminiCall(
                read.turns().stream().filter(t -> t.role().equals("system")).toList(), read.temperature(), read.topP(), read.maxTokens(),
                read.stop(), read.json(), read.jsonSchema(), read.grammar(), read.seed(), read.modalities(), read.speech());
        if (read.modalities() == GeminiRequests.Modalities.TEXT_AND_AUDIO) {
            throw GeminiRequests.invalid("setup.generationConfig.responseModalities: one modality per Live session, TEXT or AUDIO");
        }

        JsonNode realtime = GeminiRequests.field(setup, "realtimeInputConfig");
        GeminiRequests.known(realtime, REALTIME, "setup.realtimeInputConfig.");
        JsonNode detection = GeminiRequests.field(realtime, "automaticActivityDetection");
        GeminiRequests.known(detection, DETECTION, "setup.realtimeInputConfig.automaticActivityDetection.");
        String handling = GeminiRequests.field(realtime, "activityHandling").asText("START_OF_ACTIVITY_INTERRUPTS");
        if (!handling.equals("START_OF_ACTIVITY_INTERRUPTS") && !handling.equals("NO_INTERRUPTION")
                && !handling.equals("ACTIVITY_HANDLING_UNSPECIFIED")) {
            throw GeminiRequests.invalid("setup.realtimeInputConfig.activityHandling must be START_OF_ACTIVITY_INTERRUPTS or NO_INTERRUPTION");
        }
        JsonNode resumption = GeminiRequests.field(setup, "sessionResumption");
        String handle = GeminiRequests.field(resumption, "handle").asText(null);
        return new GeminiLiveSetup(model, generation, GeminiRequests.field(setup, "inputAudioTranscription").isObject(),
                GeminiRequests.field(setup, "outputAudioTranscription").isObject(),
                !GeminiRequests.field(detection, "disabled").asBoolean(false), !handling.equals("NO_INTERRUPTION"),
                vad(detection, vadDefaults), resumption.isObject(), handle == null || handle.isBlank() ? null : handle);
    }

    /**
     * Google's sensitivities and durations as Silero's parameters: a high start sensitivity lowers the
     * speech threshold, a high end sensitivity ends speech at a smaller dip; {@code prefixPaddingMs} is
     * the speech needed before an utterance counts, {@code silenceDurationMs} the pause that ends it.
     */
    static VadParameters vad(JsonNode detection, VadParameters d) {
        double threshold = switch (GeminiRequests.field(detection, "startOfSpeechSensitivity").asText("").toUpperCase(Locale.ROOT)) {
            case "START_SENSITIVITY_HIGH" -> Math.max(0.05, d.threshold() - 0.15);
            case "START_SENSITIVITY_LOW" -> Math.min(0.95, d.threshold() + 0.15);
            case "", "START_SENSITIVITY_UNSPECIFIED" -> d.threshold();
            default -> throw GeminiRequests.invalid("startOfSpeechSensitivity must be START_SENSITIVITY_HIGH or START_SENSITIVITY_LOW");
        };
        double gap = d.threshold() - d.negThreshold();
        double negative = switch (GeminiRequests.field(detection, "endOfSpeechSensitivity").asText("").toUpperCase(Locale.ROOT)) {
            case "END_SENSITIVITY_HIGH" -> threshold - gap / 3;
            case "END_SENSITIVITY_LOW" -> threshold - gap * 2;
            case "", "END_SENSITIVITY_UNSPECIFIED" -> threshold - gap;
            default -> throw GeminiRequests.invalid("endOfSpeechSensitivity must be END_SENSITIVITY_HIGH or END_SENSITIVITY_LOW");
        };
        int minSpeech = millis(detection, "prefixPaddingMs", d.minSpeechMs());
        int minSilence = millis(detection, "silenceDurationMs", d.minSilenceMs());
        try {
            return new VadParameters(threshold, Math.max(0.01, Math.min(threshold, negative)), minSpeech, minSilence, d.speechPadMs(),
                    d.maxSpeechS());
        } catch (IllegalArgumentException e) {
            throw GeminiRequests.invalid("setup.realtimeInputConfig.automaticActivityDetection: " + e.getMessage());
        }
    }

    private static int millis(JsonNode detection, String name, int dflt) {
        JsonNode v = GeminiRequests.field(detection, name);
        if (v.isMissingNode() || v.isNull()) {
            return dflt;
        }
        if (!v.canConvertToInt() || v.asInt() < 0 || v.asInt() > 10_000) {
            throw GeminiRequests.invalid("setup.realtimeInputConfig.automaticActivityDetection." + name + " must be 0 to 10000 ms");
        }
        return v.asInt();
    }
}
