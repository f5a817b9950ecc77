package io.localmodels.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.localmodels.api.errors.ApiException;
import io.localmodels.llm.ChatMessage;
import io.localmodels.llm.LlmGrammars;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads an OpenAI chat-completions request body into what the LLM runs; every refusal is a 400 naming the field. */
final class ChatRequests {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
    private static final Set<String> UNSUPPORTED = Set.of("tools", "functions", "tool_choice", "logprobs", "audio", "modalities");

    /** What one request asks for; the grammar is null for free text. */
    record ChatCall(List<ChatMessage> messages, double temperature, double topP, int maxTokens, List<String> stop, String grammar,
                    int seed, boolean stream, boolean includeUsage) {
    }

    private ChatRequests() {
    }

    static ChatCall read(JsonNode body, int defaultMaxTokens, int maxTokensCeiling) {
        if (body == null || !body.isObject()) {
            throw invalid("the body must be a JSON object");
        }
        for (String field : UNSUPPORTED) {
            JsonNode v = body.path(field);
            if (!v.isMissingNode() && !v.isNull() && !(v.isBoolean() && !v.asBoolean()) && !(v.isArray() && v.isEmpty())) {
                throw invalid("'" + field + "' is not supported by the embedded LLM");
            }
        }
        if (body.hasNonNull("n") && body.path("n").asInt(-1) != 1) {
            throw invalid("'n' must be 1: one answer per request");
        }
        List<ChatMessage> messages = messages(body.path("messages"));
        double temperature = number(body, "temperature", 1.0, 0, 2);
        double topP = number(body, "top_p", 1.0, 0, 1);
        if (body.has("top_p") && topP <= 0) {
            throw invalid("'top_p' must be greater than 0");
        }
        JsonNode cap = body.hasNonNull("max_completion_tokens") ? body.get("max_completion_tokens") : body.path("max_tokens");
        int maxTokens = defaultMaxTokens;
        if (!cap.isMissingNode() && !cap.isNull()) {
            if (!cap.isIntegralNumber() || !cap.canConvertToInt() || cap.asInt() < 1 || cap.asInt() > maxTokensCeiling) {
                throw invalid("'max_tokens' must be an integer from 1 to " + maxTokensCeiling + " (lma.llm.max-tokens)");
            }
            maxTokens = cap.asInt();
        }
        int seed = -1;
        if (body.hasNonNull("seed")) {
            if (!body.get("seed").isIntegralNumber() || !body.get("seed").canConvertToLong()) {
                throw invalid("'seed' must be an integer");
            }
            seed = (int) (body.get("seed").asLong() & 0x7fffffff);
        }
        JsonNode stream = body.path("stream");
        if (!stream.isMissingNode() && !stream.isNull() && !stream.isBoolean()) {
            throw invalid("'stream' must be true or false");
        }
        boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
        return new ChatCall(messages, temperature, topP, maxTokens, stop(body.path("stop")), grammar(body.path("response_format")), seed,
                stream.asBoolean(false), usage);
    }

    private static List<ChatMessage> messages(JsonNode list) {
        if (!list.isArray() || list.isEmpty()) {
            throw invalid("'messages' must be a non-empty list");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            String role = m.path("role").asText("");
            if (!ROLES.contains(role)) {
                throw invalid("messages[" + i + "].role must be one of system, developer, user, assistant; got '" + role + "'");
            }
            out.add(new ChatMessage(role.equals("developer") ? "system" : role, content(m.path("content"), i)));
        }
        return out;
    }

    private static String content(JsonNode c, int i) {
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode part : c) {
                if (!part.path("type").asText().equals("text") || !part.path("text").isTextual()) {
                    throw invalid("messages[" + i + "].content: only text parts are supported (got type '" + part.path("type").asText() + "')");
                }
                b.append(part.get("text").asText());
            }
            return b.toString();
        }
        throw invalid("messages[" + i + "].content must be a string or a list of text parts");
    }

    private static double number(JsonNode body, String field, double fallback, double min, double max) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw invalid("'" + field + "' must be a number from " + fmt(min) + " to " + fmt(max));
        }
        return v.asDouble();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static List<String> stop(JsonNode stop) {
        if (stop.isMissingNode() || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (stop.isArray() && stop.size() <= 4) {
            List<String> out = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isTextual() || s.asText().isEmpty()) {
                    throw invalid("'stop' must be a string or up to 4 non-empty strings");
                }
                out.add(s.asText());
            }
            return out;
        }
        throw invalid("'stop' must be a string or up to 4 non-empty strings");
    }

    private static String grammar(JsonNode format) {
        if (format.isMissingNode() || format.isNull()) {
            return null;
        }
        String type = format.path("type").asText("").toLowerCase(Locale.ROOT);
        switch (type) {
            case "text":
                return null;
            case "json_object":
                return LlmGrammars.jsonObject();
            case "json_schema":
                JsonNode schema = format.path("json_schema").path("schema");
                if (!schema.isObject()) {
                    throw invalid("response_format.json_schema.schema must be a JSON schema object");
                }
                try {
                    return LlmGrammars.fromJsonSchema(schema);
                } catch (RuntimeException e) {
                    throw invalid("response_format.json_schema.schema cannot be turned into a grammar: " + e.getMessage());
                }
            default:
                throw invalid("response_format.type must be text, json_object or json_schema; got '" + type + "'");
        }
    }

    private static ApiException invalid(String message) {
        return new ApiException(400, "invalid_request", message);
    }
}
