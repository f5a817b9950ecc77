package io.localmodels.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.localmodels.llm.OpenAiChatClient;

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

    // Every string and list is bounded so that a complete answer always fits the answer cap of a model
    // held to this schema by a grammar (a grammar forces the shape, not the end): at most 3 bytes a
    // character, one token at least a byte, the whole within LlamaAnalysisEngine's cap (see GrammarBound).
    static final int SUMMARY_CHARS = 360;
    static final int LIST_ITEMS = 3;
    static final int LIST_ITEM_CHARS = 100;
    static final int ACTION_ITEMS = 3;
    static final int TITLE_CHARS = 50;
    static final int DESCRIPTION_CHARS = 120;
    static final int STEPS = 3;
    static final int STEP_CHARS = 80;
    static final int SOURCE_IDS = 6;
    static final int MAX_SEGMENT_ID = 99999;

    private static ObjectNode buildSchema() {
        ObjectNode item = JSON.createObjectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode itemProps = item.putObject("properties");
        itemProps.set("title", string(TITLE_CHARS));
        itemProps.set("description", string(DESCRIPTION_CHARS));
        itemProps.set("steps", strings(STEPS, STEP_CHARS));
        ObjectNode ids = itemProps.putObject("source_segment_ids").put("type", "array").put("maxItems", SOURCE_IDS);
        ids.putObject("items").put("type", "integer").put("minimum", 0).put("maximum", MAX_SEGMENT_ID);
        item.putArray("required").add("title").add("description").add("steps").add("source_segment_ids");
        ObjectNode root = JSON.createObjectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode props = root.putObject("properties");
        props.set("summary", string(SUMMARY_CHARS));
        props.set("decisions", strings(LIST_ITEMS, LIST_ITEM_CHARS));
        props.set("open_questions", strings(LIST_ITEMS, LIST_ITEM_CHARS));
        ObjectNode items = props.putObject("action_items").put("type", "array").put("maxItems", ACTION_ITEMS);
        items.set("items", item);
        props.set("risks", strings(LIST_ITEMS, LIST_ITEM_CHARS));
        root.putArray("required").add("summary").add("decisions").add("open_questions").add("action_items").add("risks");
        return root;
    }

    private static ObjectNode string(int maxLength) {
        return JSON.createObjectNode().put("type", "string").put("maxLength", maxLength);
    }

    private static ObjectNode strings(int maxItems, int maxLength) {
        ObjectNode list = JSON.createObjectNode().put("type", "array").put("maxItems", maxItems);
        list.set("items", string(maxLength));
        return list;
    }

    static final class InvalidAnalysis extends Exception {
        InvalidAnalysis(String message) {
            super(message);
        }
    }

    /** The answer as an analysis; lenient only about a code fence around the JSON and absent lists. */
    static SessionAnalysis parse(String answer) throws InvalidAnalysis {
        String text = OpenAiChatClient.withoutCodeFence(answer);
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
        return clamp(new SessionAnalysis(root.path("summary").asText(), actions, strings(root, "risks"), strings(root, "decisions"),
                strings(root, "open_questions")));
    }

    /**
     * The analysis within the schema's bounds: a server may ignore maxLength/maxItems, and a model's
     * invalid UTF-8 (decoded to U+FFFD, one per byte) can lengthen a string the grammar kept short.
     */
    static SessionAnalysis clamp(SessionAnalysis a) {
        List<ActionItem> actions = a.actionItems().stream().limit(ACTION_ITEMS).map(i -> new ActionItem(cut(i.title(), TITLE_CHARS),
                cut(i.description(), DESCRIPTION_CHARS), cut(i.steps(), STEPS, STEP_CHARS),
                i.sourceSegmentIds().stream().filter(id -> id >= 0 && id <= MAX_SEGMENT_ID).limit(SOURCE_IDS).toList())).toList();
        return new SessionAnalysis(cut(a.summary(), SUMMARY_CHARS), actions, cut(a.risks(), LIST_ITEMS, LIST_ITEM_CHARS),
                cut(a.decisions(), LIST_ITEMS, LIST_ITEM_CHARS), cut(a.openQuestions(), LIST_ITEMS, LIST_ITEM_CHARS));
    }

    private static String cut(String s, int codePoints) {
        return s.codePointCount(0, s.length()) <= codePoints ? s : s.substring(0, s.offsetByCodePoints(0, codePoints));
    }

    private static List<String> cut(List<String> list, int items, int chars) {
        return list.stream().limit(items).map(s -> cut(s, chars)).toList();
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
