package io.localmodels.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/** The analysis JSON schema sent to the model, and the strict reading of its answer. */
final class AnalysisJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectNode SCHEMA = buildSchema();

    private AnalysisJson() {
    }

    static ObjectNode schema() {
        return SCHEMA.deepCopy();
    }

    private static ObjectNode buildSchema() {
        ObjectNode strings = JSON.createObjectNode().put("type", "array");
        strings.putObject("items").put("type", "string");
        ObjectNode item = JSON.createObjectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode itemProps = item.putObject("properties");
        itemProps.putObject("title").put("type", "string");
        itemProps.putObject("description").put("type", "string");
        itemProps.set("steps", strings.deepCopy());
        ObjectNode ids = itemProps.putObject("source_segment_ids").put("type", "array");
        ids.putObject("items").put("type", "integer");
        item.putArray("required").add("title").add("description").add("steps").add("source_segment_ids");
        ObjectNode root = JSON.createObjectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode props = root.putObject("properties");
        props.putObject("summary").put("type", "string");
        props.set("decisions", strings.deepCopy());
        props.set("open_questions", strings.deepCopy());
        ObjectNode items = props.putObject("action_items").put("type", "array");
        items.set("items", item);
        props.set("risks", strings.deepCopy());
        root.putArray("required").add("summary").add("decisions").add("open_questions").add("action_items").add("risks");
        return root;
    }

    static final class InvalidAnalysis extends Exception {
        InvalidAnalysis(String message) {
            super(message);
        }
    }

    /** The answer as an analysis; lenient only about a code fence around the JSON and absent lists. */
    static SessionAnalysis parse(String answer) throws InvalidAnalysis {
        String text = answer.strip();
        if (text.startsWith("```")) {
            text = text.replaceFirst("^```[a-zA-Z]*\\s*", "").replaceFirst("\\s*```$", "");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (Exception e) {
            throw new InvalidAnalysis("not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidAnalysis("not a JSON object");
        }
        if (!root.path("summary").isTextual()) {
            throw new InvalidAnalysis("\"summary\" must be a string");
        }
        List<ActionItem> actions = new ArrayList<>();
        JsonNode items = root.path("action_items");
        if (!items.isMissingNode() && !items.isArray()) {
            throw new InvalidAnalysis("\"action_items\" must be a list");
        }
        for (JsonNode a : items) {
            if (!a.isObject() || !a.path("title").isTextual()) {
                throw new InvalidAnalysis("every action item needs a string \"title\"");
            }
            List<Integer> ids = new ArrayList<>();
            for (JsonNode id : a.path("source_segment_ids")) {
                if (!id.canConvertToInt()) {
                    throw new InvalidAnalysis("\"source_segment_ids\" must be integers");
                }
                ids.add(id.asInt());
            }
            actions.add(new ActionItem(a.path("title").asText(), a.path("description").asText(""), strings(a, "steps"), ids));
        }
        return new SessionAnalysis(root.path("summary").asText(), actions, strings(root, "risks"), strings(root, "decisions"),
                strings(root, "open_questions"));
    }

    private static List<String> strings(JsonNode parent, String field) throws InvalidAnalysis {
        JsonNode n = parent.path(field);
        List<String> out = new ArrayList<>();
        if (n.isMissingNode() || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            throw new InvalidAnalysis("\"" + field + "\" must be a list of strings");
        }
        for (JsonNode s : n) {
            if (!s.isTextual()) {
                throw new InvalidAnalysis("\"" + field + "\" must be a list of strings");
            }
            out.add(s.asText());
        }
        return out;
    }
}
