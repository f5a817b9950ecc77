package io.localmodels.analysis;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A JSON-schema check written for the tests, independent of the service's reading of answers:
 * type, properties, required, additionalProperties, items, maxItems, maxLength (code points),
 * minimum, maximum. Answers the violations, empty when the document conforms.
 */
final class SchemaCheck {

    private SchemaCheck() {
    }

    static List<String> violations(JsonNode schema, JsonNode doc) {
        List<String> out = new ArrayList<>();
        check(schema, doc, "$", out);
        return out;
    }

    private static void check(JsonNode schema, JsonNode doc, String at, List<String> out) {
        String type = schema.path("type").asText();
        switch (type) {
            case "object" -> {
                if (!doc.isObject()) {
                    out.add(at + " is not an object");
                    return;
                }
                for (JsonNode r : schema.path("required")) {
                    if (!doc.has(r.asText())) {
                        out.add(at + " lacks " + r.asText());
                    }
                }
                for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    JsonNode sub = schema.path("properties").path(f);
                    if (sub.isMissingNode()) {
                        if (schema.path("additionalProperties").isBoolean() && !schema.path("additionalProperties").asBoolean()) {
                            out.add(at + " has an extra field " + f);
                        }
                    } else {
                        check(sub, doc.get(f), at + "." + f, out);
                    }
                }
            }
            case "array" -> {
                if (!doc.isArray()) {
                    out.add(at + " is not an array");
                    return;
                }
                if (schema.has("maxItems") && doc.size() > schema.get("maxItems").asInt()) {
                    out.add(at + " has " + doc.size() + " items, more than " + schema.get("maxItems").asInt());
                }
                for (int i = 0; i < doc.size(); i++) {
                    check(schema.path("items"), doc.get(i), at + "[" + i + "]", out);
                }
            }
            case "string" -> {
                if (!doc.isTextual()) {
                    out.add(at + " is not a string");
                    return;
                }
                String s = doc.asText();
                int n = s.codePointCount(0, s.length());
                if (schema.has("maxLength") && n > schema.get("maxLength").asInt()) {
                    out.add(at + " has " + n + " characters, more than " + schema.get("maxLength").asInt());
                }
            }
            case "integer" -> {
                if (!doc.isIntegralNumber()) {
                    out.add(at + " is not an integer");
                    return;
                }
                if (schema.has("minimum") && doc.asLong() < schema.get("minimum").asLong()) {
                    out.add(at + " is below its minimum");
                }
                if (schema.has("maximum") && doc.asLong() > schema.get("maximum").asLong()) {
                    out.add(at + " is above its maximum");
                }
            }
            default -> out.add(at + ": the check does not know type '" + type + "'");
        }
    }
}
