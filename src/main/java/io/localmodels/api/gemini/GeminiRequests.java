package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.api.errors.ApiException;
import io.localmodels.api.errors.JsonErrors;
import io.localmodels.llm.ChatMessage;
import io.localmodels.llm.GenerationRequest;
import io.localmodels.llm.LlmGrammars;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Gemini {@code GenerateContentRequest} (camelCase or snake_case, as Google's JSON parser
 * takes both) into what the LLM runs. Every refusal is a 400 INVALID_ARGUMENT naming the field, as
 * Google answers; unknown fields are refused the same way.
 */
final class GeminiRequests {

    /** Top-level fields, by their camelCase name; the snake_case spelling is taken too. */
    private static final Set<String> TOP = Set.of("contents", "systemInstruction", "generationConfig", "safetySettings", "model",
            "tools", "toolConfig", "cachedContent", "labels");
    private static final Pattern PCM_RATE = Pattern.compile("rate=(\\d+)");
    private static final Set<String> CONFIG = Set.of("temperature", "topP", "topK", "maxOutputTokens", "stopSequences", "candidateCount",
            "responseMimeType", "responseSchema", "responseJsonSchema", "responseModalities", "seed", "presencePenalty",
            "frequencyPenalty", "thinkingConfig", "speechConfig");
    private static final Set<String> NOT_SUPPORTED = Set.of("tools", "toolConfig", "cachedContent");

    /**
     * One request. {@code json}: the answer must be a JSON object, following {@code jsonSchema} when
     * that is not null; {@code grammar} is the same rule for llama.cpp (null for free text). {@code
     * modalities}: what the answer holds, text and/or audio spoken with {@code speech}'s voice.
     */
    record GeminiCall(List<Turn> turns, double temperature, double topP, int maxTokens, List<String> stop, boolean json,
                      JsonNode jsonSchema, String grammar, int seed, Modalities modalities, GeminiSpeech speech) {

        /** This call's settings on {@code messages}, for the embedded LLM; streamed text to {@code onText}. */
        GenerationRequest generation(List<ChatMessage> messages,
                                                        Consumer<String> onText,
                                                        BooleanSupplier cancelled) {
            return new GenerationRequest(messages, temperature, topP, maxTokens, stop, grammar, seed, onText, cancelled);
        }
    }

    /** responseModalities: the answer's text, its speech, or both. */
    enum Modalities {
        TEXT, AUDIO, TEXT_AND_AUDIO;

        boolean text() {
            return this != AUDIO;
        }

        boolean audio() {
            return this != TEXT;
        }
    }

    /** One turn of the conversation: role system, user or assistant, and its parts in order. */
    record Turn(String role, List<Part> parts) {
    }

    /** A piece of a turn: text, or inline audio or image data to be turned into text first. */
    sealed interface Part {
        record Text(String text) implements Part {
        }

        /** {@code pcmRate}: the sample rate of raw PCM16 ({@code audio/pcm;rate=…}), 0 for a WAV file or an image. */
        record Media(Kind kind, String mimeType, byte[] data, int pcmRate) implements Part {
        }

        enum Kind { AUDIO, IMAGE }
    }

    private GeminiRequests() {
    }

    static GeminiCall read(JsonNode body, int defaultMaxTokens, int maxTokensCeiling) {
        if (body == null || !body.isObject()) {
            throw invalid("the body must be a JSON object (a GenerateContentRequest)");
        }
        known(body, TOP, "");
        for (String f : NOT_SUPPORTED) {
            JsonNode v = field(body, f);
            if (!v.isMissingNode() && !v.isNull() && !(v.isArray() && v.isEmpty())) {
                throw invalid("'" + f + "' is not supported by this server (function calling and cached content need Google's models)");
            }
        }
        List<Turn> turns = new ArrayList<>();
        JsonNode system = field(body, "systemInstruction");
        if (!system.isMissingNode() && !system.isNull()) {
            List<Part> parts = system.isTextual() ? List.of(new Part.Text(system.asText())) : parts(system, "systemInstruction");
            if (parts.stream().anyMatch(Part.Media.class::isInstance)) {
                throw invalid("systemInstruction takes text parts only");
            }
            turns.add(new Turn("system", parts));
        }
        JsonNode contents = field(body, "contents");
        if (!contents.isArray() || contents.isEmpty()) {
            throw invalid("'contents' must be a non-empty list of Content");
        }
        for (int i = 0; i < contents.size(); i++) {
            JsonNode c = contents.get(i);
            String role = c.path("role").asText("user");
            if (!role.equals("user") && !role.equals("model")) {
                throw invalid("contents[" + i + "].role must be 'user' or 'model'; got '" + role + "'");
            }
            turns.add(new Turn(role.equals("model") ? "assistant" : "user", parts(c, "contents[" + i + "]")));
        }
        JsonNode config = field(body, "generationConfig");
        if (!config.isMissingNode() && !config.isNull() && !config.isObject()) {
            throw invalid("'generationConfig' must be an object");
        }
        known(config, CONFIG, "generationConfig.");
        double temperature = number(config, "temperature", 1.0, 0, 2);
        double topP = number(config, "topP", 0.95, 0, 1);
        int maxTokens = defaultMaxTokens;
        JsonNode cap = field(config, "maxOutputTokens");
        if (!cap.isMissingNode() && !cap.isNull()) {
            long n = int32(cap, "generationConfig.maxOutputTokens");
            if (n < 1 || n > maxTokensCeiling) {
                throw invalid("generationConfig.maxOutputTokens must be an integer from 1 to " + maxTokensCeiling);
            }
            maxTokens = (int) n;
        }
        JsonNode candidates = field(config, "candidateCount");
        if (!candidates.isMissingNode() && !candidates.isNull() && int32(candidates, "generationConfig.candidateCount") != 1) {
            throw invalid("generationConfig.candidateCount must be 1: one candidate per request");
        }
        Modalities modalities = modalities(field(config, "responseModalities"));
        GeminiSpeech speech = GeminiSpeech.read(field(config, "speechConfig"), "generationConfig.speechConfig");
        List<String> stop = new ArrayList<>();
        JsonNode stops = field(config, "stopSequences");
        if (!stops.isMissingNode() && !stops.isNull()) {
            if (!stops.isArray() || stops.size() > 5) {
                throw invalid("generationConfig.stopSequences must be a list of at most 5 strings");
            }
            for (JsonNode s : stops) {
                if (!s.isTextual()) {
                    throw invalid("Invalid value at 'generationConfig.stopSequences' (TYPE_STRING), " + s);
                }
                stop.add(s.textValue());
            }
        }
        JsonNode seedField = field(config, "seed");
        int seed = seedField.isMissingNode() || seedField.isNull() ? -1 : (int) (int32(seedField, "generationConfig.seed") & 0x7fffffff);
        JsonNode topK = field(config, "topK");
        if (!topK.isMissingNode() && !topK.isNull()) {
            int32(topK, "generationConfig.topK");
        }
        JsonNode schema = jsonSchema(config);
        boolean json = schema != null || field(config, "responseMimeType").asText("").equals("application/json");
        if (json && modalities.audio()) {
            throw invalid("generationConfig: a JSON answer (responseMimeType application/json, responseSchema) cannot be spoken; "
                    + "ask for responseModalities TEXT");
        }
        return new GeminiCall(turns, temperature, topP, maxTokens, stop, json, schema, grammar(json, schema), seed, modalities, speech);
    }

    /** TEXT, AUDIO or both (none named: TEXT); IMAGE and anything else is refused. */
    static Modalities modalities(JsonNode given) {
        if (given.isMissingNode() || given.isNull()) {
            return Modalities.TEXT;
        }
        if (!given.isArray() || given.size() > 2) {
            throw invalid("Invalid value at 'generationConfig.responseModalities': must be a list of TEXT and/or AUDIO");
        }
        boolean text = false;
        boolean audio = false;
        for (JsonNode m : given) {
            String name = m.isTextual() ? m.asText().toUpperCase(Locale.ROOT) : "";
            switch (name) {
                case "TEXT" -> text = true;
                case "AUDIO" -> audio = true;
                default -> throw invalid("generationConfig.responseModalities: TEXT and AUDIO are supported (this server has no image "
                        + "synthesis); got " + (m.isTextual() ? "'" + JsonErrors.excerpt(m.asText()) + "'"
                        : m.getNodeType().name().toLowerCase(Locale.ROOT)));
            }
        }
        return audio ? text ? Modalities.TEXT_AND_AUDIO : Modalities.AUDIO : Modalities.TEXT;
    }

    /** A field by its camelCase name or its snake_case spelling. */
    static JsonNode field(JsonNode node, String camel) {
        JsonNode v = node.path(camel);
        return v.isMissingNode() ? node.path(snake(camel)) : v;
    }

    static String snake(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }

    static void known(JsonNode node, Set<String> names, String prefix) {
        Iterator<String> it = node.fieldNames();
        while (it.hasNext()) {
            String f = it.next();
            if (!names.contains(f) && names.stream().noneMatch(n -> snake(n).equals(f))) {
                throw invalid("Invalid JSON payload received. Unknown name \"" + f + "\"" + (prefix.isEmpty() ? "" : " at '"
                        + prefix.substring(0, prefix.length() - 1) + "'") + ": Cannot find field.");
            }
        }
    }

    /** A Content's parts: text, and inline audio (WAV, Ogg Opus, raw PCM16) or images (JPEG, PNG); anything else is refused. */
    static List<Part> parts(JsonNode content, String where) {
        JsonNode parts = content.path("parts");
        if (!parts.isArray() || parts.isEmpty()) {
            throw invalid(where + ".parts must be a non-empty list");
        }
        List<Part> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            JsonNode p = parts.get(i);
            String at = where + ".parts[" + i + "]";
            if (p.has("text")) {
                if (!p.get("text").isTextual()) {
                    throw invalid("Invalid value at '" + at + ".text' (TYPE_STRING), " + p.get("text"));
                }
                out.add(new Part.Text(p.get("text").textValue()));
            } else if (!field(p, "inlineData").isMissingNode()) {
                out.add(media(field(p, "inlineData"), at + ".inlineData"));
            } else if (!field(p, "fileData").isMissingNode()) {
                throw invalid(at + ".fileData: files uploaded to Google cannot be read here; send the bytes as inlineData");
            } else {
                throw invalid(at + " has neither 'text' nor 'inlineData'; other kinds of part (function calls, code) are not supported");
            }
        }
        return out;
    }

    static Part.Media media(JsonNode inline, String where) {
        String mime = field(inline, "mimeType").asText("").strip().toLowerCase(Locale.ROOT);
        String base = mime.contains(";") ? mime.substring(0, mime.indexOf(';')).strip() : mime;
        byte[] data;
        try {
            data = Base64.getDecoder().decode(field(inline, "data").asText("").strip());
        } catch (IllegalArgumentException e) {
            throw invalid(where + ".data is not base64: " + e.getMessage());
        }
        if (data.length == 0) {
            throw invalid(where + ".data is empty");
        }
        return switch (base) {
            case "image/jpeg", "image/jpg", "image/png" -> new Part.Media(Part.Kind.IMAGE, base, data, 0);
            case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave" -> new Part.Media(Part.Kind.AUDIO, base, data, 0);
            case "audio/pcm", "audio/l16" -> new Part.Media(Part.Kind.AUDIO, base, data, pcmRate(mime, where));
            case "audio/ogg", "audio/opus" -> new Part.Media(Part.Kind.AUDIO, base, data, 0);
            case "audio/webm", "audio/mpeg", "audio/mp3", "audio/aac", "audio/flac" -> throw invalid(where + ": " + base
                    + " cannot be decoded here; send audio/ogg (Opus), audio/wav or audio/pcm;rate=16000 (16-bit little-endian mono)");
            case "" -> throw invalid(where + ".mimeType is required");
            default -> throw invalid(where + ": " + base + " is not supported; audio/wav, audio/pcm;rate=…, image/jpeg and image/png are");
        };
    }

    private static int pcmRate(String mime, String where) {
        Matcher m = PCM_RATE.matcher(mime);
        long rate = m.find() ? (m.group(1).length() > 6 ? Long.MAX_VALUE : Long.parseLong(m.group(1))) : 16000;
        if (rate < 8000 || rate > 48000) {
            throw invalid(where + ": audio/pcm rate must be 8000 to 48000; got " + m.group(1));
        }
        return (int) rate;
    }

    /** A proto3 int32 as Google reads it from JSON: a whole number, or a string holding one. */
    static long int32(JsonNode v, String where) {
        String text = v.isTextual() ? v.textValue().strip() : v.isIntegralNumber() ? v.asText() : null;
        if (v.isFloatingPointNumber() && v.asDouble() == Math.rint(v.asDouble()) && Math.abs(v.asDouble()) <= Integer.MAX_VALUE) {
            text = Long.toString((long) v.asDouble());
        }
        if (text == null || !text.matches("-?[0-9]{1,10}") || Long.parseLong(text) > Integer.MAX_VALUE || Long.parseLong(text) < Integer.MIN_VALUE) {
            throw invalid("Invalid value at '" + where + "' (TYPE_INT32), " + v);
        }
        return Long.parseLong(text);
    }

    private static double number(JsonNode config, String name, double dflt, double min, double max) {
        JsonNode v = field(config, name);
        if (v.isMissingNode() || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw invalid("generationConfig." + name + " must be a number from " + min + " to " + max);
        }
        return v.asDouble();
    }

    /** The answer's JSON schema, null when the request sets none; refuses a schema without JSON output. */
    private static JsonNode jsonSchema(JsonNode config) {
        String mime = field(config, "responseMimeType").asText("text/plain");
        JsonNode schema = field(config, "responseJsonSchema");
        JsonNode gemini = field(config, "responseSchema");
        boolean hasSchema = !schema.isMissingNode() && !schema.isNull() || !gemini.isMissingNode() && !gemini.isNull();
        if (!mime.equals("application/json") && !mime.equals("text/plain")) {
            throw invalid("generationConfig.responseMimeType must be text/plain or application/json; got '" + mime + "'");
        }
        if (!hasSchema) {
            return null;
        }
        if (!mime.equals("application/json")) {
            throw invalid("generationConfig.responseSchema needs responseMimeType application/json");
        }
        return !schema.isMissingNode() && !schema.isNull() ? schema : toJsonSchema(gemini, "responseSchema");
    }

    private static String grammar(boolean json, JsonNode schema) {
        if (!json) {
            return null;
        }
        if (schema == null) {
            return LlmGrammars.jsonObject();
        }
        try {
            return LlmGrammars.fromJsonSchema(schema);
        } catch (RuntimeException e) {
            throw invalid("generationConfig.responseSchema cannot be enforced: " + e.getMessage());
        }
    }

    /** Gemini's OpenAPI-style Schema (types in capitals, nullable) as the JSON Schema the grammar converter reads. */
    static JsonNode toJsonSchema(JsonNode s, String where) {
        if (!s.isObject()) {
            throw invalid("generationConfig." + where + " must be a Schema object");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        String type = s.path("type").asText("").toLowerCase(Locale.ROOT);
        if (!type.isEmpty()) {
            if (s.path("nullable").asBoolean(false)) {
                ArrayNode both = out.putArray("type");
                both.add(type).add("null");
            } else {
                out.put("type", type);
            }
        }
        for (Map.Entry<String, JsonNode> f : (Iterable<Map.Entry<String, JsonNode>>) s::fields) {
            switch (f.getKey()) {
                case "type", "nullable", "propertyOrdering", "property_ordering", "title", "description", "example" -> { }
                case "properties" -> {
                    ObjectNode props = out.putObject("properties");
                    f.getValue().fields().forEachRemaining(p -> props.set(p.getKey(), toJsonSchema(p.getValue(), where + "." + p.getKey())));
                }
                case "items" -> out.set("items", toJsonSchema(f.getValue(), where + ".items"));
                case "anyOf", "any_of" -> {
                    ArrayNode any = out.putArray("anyOf");
                    f.getValue().forEach(a -> any.add(toJsonSchema(a, where + ".anyOf")));
                }
                case "enum", "required", "format", "minimum", "maximum", "pattern" -> out.set(f.getKey(), f.getValue());
                case "minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties" ->
                        out.set(f.getKey(), JsonNodeFactory.instance.numberNode(int64(f.getValue(), "generationConfig." + where + "." + f.getKey())));
                default -> throw invalid("generationConfig." + where + "." + f.getKey() + " is not a Schema field this server can enforce");
            }
        }
        return out;
    }

    /** Gemini's Schema counts are int64, which proto3 JSON writes as strings: either form, a whole number. */
    private static long int64(JsonNode v, String where) {
        String text = v.isTextual() ? v.textValue().strip() : v.isIntegralNumber() ? v.asText() : null;
        if (text == null || !text.matches("-?[0-9]{1,18}")) {
            throw invalid("Invalid value at '" + where + "' (TYPE_INT64), " + v);
        }
        return Long.parseLong(text);
    }

    static ApiException invalid(String message) {
        return new ApiException(400, "INVALID_ARGUMENT", message);
    }
}
