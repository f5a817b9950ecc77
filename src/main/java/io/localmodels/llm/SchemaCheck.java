package io.localmodels.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses, in Java, every JSON schema that llama.cpp's converter (b4916,
 * {@code common/json-schema-to-grammar.cpp}) would not turn into a grammar. The converter is native code
 * whose refusals are C++ exceptions (an error list, a JSON type error on a keyword of the wrong type, an
 * out-of-range number) and, in places, undefined behaviour or an endless loop: none of that can be caught
 * from Java, so nothing it would refuse may reach it. The walk follows the converter's own order of
 * cases, so that what is checked is what it reads; where JSON Schema and the converter disagree (a
 * schema without a type, say) the refusal says so. Bounds keep the grammar small enough to build.
 */
final class SchemaCheck {

    /** Nesting of schemas inside schemas, $ref hops included (the converter recurses on the native stack). */
    static final int MAX_DEPTH = 32;
    /** Nesting of any JSON value in the schema (enum and const values included). */
    static final int MAX_JSON_DEPTH = 64;
    /** The schema as JSON text. */
    static final int MAX_CHARS = 100_000;
    /** minLength / maxLength / minItems / maxItems and a pattern's {m,n}: every repetition becomes grammar rules. */
    static final int MAX_REPEAT = 10_000;
    /** minimum / maximum of an integer (the converter reads them as a C int and adds or subtracts one). */
    static final long MAX_INTEGER_BOUND = 2_000_000_000L;

    private static final Pattern KNOWN_FORMAT = Pattern.compile("uuid[1-5]?|date|time|date-time");
    private static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "null", "object", "array");

    private final JsonNode root;
    /** $ref targets already visited: the converter writes each once and does not descend into it again. */
    private final Set<String> refsVisited = new HashSet<>();
    private final Set<String> refsResolving = new HashSet<>();

    private SchemaCheck(JsonNode root) {
        this.root = root;
    }

    /** Throws {@link SchemaRefusedException} naming the first part the converter (or a limit) refuses. */
    static void check(JsonNode schema) {
        if (schema == null || !schema.isObject()) {
            throw new SchemaRefusedException("$", "a schema must be a JSON object");
        }
        int chars = schema.toString().length();
        if (chars > MAX_CHARS) {
            throw new SchemaRefusedException("$", "the schema is " + chars + " characters of JSON; the limit is " + MAX_CHARS);
        }
        SchemaCheck check = new SchemaCheck(schema);
        check.values(schema, "$", 0);
        check.schema(schema, "$", 0);
    }

    /**
     * Every JSON value, schema or not: depth, strings the native side can encode, and each {@code $ref}
     * (the converter resolves every object holding one, wherever it sits: inside a default or an enum too).
     */
    private void values(JsonNode n, String path, int depth) {
        if (depth > MAX_JSON_DEPTH) {
            throw new SchemaRefusedException(path, "nested deeper than " + MAX_JSON_DEPTH + " levels");
        }
        if (n.isTextual()) {
            text(n.textValue(), path);
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                values(n.get(i), path + "[" + i + "]", depth + 1);
            }
        } else if (n.isObject()) {
            if (n.has("$ref")) {
                target(n.get("$ref"), path + ".$ref");
                return; // the converter does not look inside an object that holds a $ref
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                text(f.getKey(), path);
                values(f.getValue(), path + "." + f.getKey(), depth + 1);
            }
        } else if (n.isNumber() && !n.isIntegralNumber() && !Double.isFinite(n.asDouble())) {
            throw new SchemaRefusedException(path, "not a finite number");
        }
    }

    private static void text(String s, String path) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new SchemaRefusedException(path, "holds a lone UTF-16 surrogate (\\u" + Integer.toHexString(c) + "), which is not text");
            }
        }
    }

    /** What a $ref names: a local JSON pointer, each step an object member (the converter's own resolution). */
    private JsonNode target(JsonNode ref, String path) {
        if (!ref.isTextual()) {
            throw new SchemaRefusedException(path, "must be a string");
        }
        String r = ref.textValue();
        if (!r.startsWith("#/")) {
            throw new SchemaRefusedException(path, "'" + r + "': only references inside the schema (#/...) are supported");
        }
        JsonNode target = root;
        String[] steps = r.substring(1).split("/", -1);
        for (int i = 1; i < steps.length; i++) {
            if (!target.isObject() || !target.has(steps[i])) {
                throw new SchemaRefusedException(path, "'" + r + "' names nothing in the schema ('" + steps[i] + "' is not there)");
            }
            target = target.get(steps[i]);
        }
        return target;
    }

    private void schema(JsonNode s, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new SchemaRefusedException(path, "schemas nested deeper than " + MAX_DEPTH + " levels ($ref hops included)");
        }
        if (!s.isObject()) {
            throw new SchemaRefusedException(path, "a schema must be a JSON object; got " + kind(s));
        }
        JsonNode type = s.get("type");
        // read first, in every case
        if (s.has("format") && !s.get("format").isTextual()) {
            throw new SchemaRefusedException(path + ".format", "must be a string");
        }
        keywordTypes(s, path);
        if (s.has("$ref")) {
            ref(s.get("$ref"), path, depth);
        } else if (s.has("oneOf") || s.has("anyOf")) {
            String key = s.has("oneOf") ? "oneOf" : "anyOf";
            JsonNode alternatives = s.get(key);
            if (!alternatives.isArray() || alternatives.isEmpty()) {
                throw new SchemaRefusedException(path + "." + key, "must be a non-empty array of schemas");
            }
            for (int i = 0; i < alternatives.size(); i++) {
                schema(alternatives.get(i), path + "." + key + "[" + i + "]", depth + 1);
            }
        } else if (type != null && type.isArray()) {
            if (type.isEmpty()) {
                throw new SchemaRefusedException(path + ".type", "must name at least one type");
            }
            for (int i = 0; i < type.size(); i++) {
                if (!type.get(i).isTextual() || !TYPES.contains(type.get(i).textValue())) {
                    throw new SchemaRefusedException(path + ".type[" + i + "]", "must be one of " + String.join(", ", TYPES.stream().sorted().toList()));
                }
                JsonNode one = s.deepCopy();
                ((ObjectNode) one).set("type", type.get(i));
                schema(one, path, depth + 1);
            }
        } else if (s.has("const")) {
            literalText(s.get("const"), path + ".const");
        } else if (s.has("enum")) {
            if (!s.get("enum").isArray() || s.get("enum").isEmpty()) {
                throw new SchemaRefusedException(path + ".enum", "must be a non-empty array");
            }
            for (int i = 0; i < s.get("enum").size(); i++) {
                literalText(s.get("enum").get(i), path + ".enum[" + i + "]");
            }
        } else {
            typed(s, type, path, depth);
        }
    }

    /** The converter's cases after the combinators, in its order. */
    private void typed(JsonNode s, JsonNode type, String path, int depth) {
        if (type != null && (!type.isTextual() || !TYPES.contains(type.textValue()))) {
            throw new SchemaRefusedException(path + ".type", "must be one of " + String.join(", ", TYPES.stream().sorted().toList())
                    + " (or an array of them); got " + type);
        }
        String t = type == null ? null : type.textValue();
        boolean untypedOr = t == null;
        JsonNode additional = s.get("additionalProperties");
        if ((untypedOr || t.equals("object")) && (s.has("properties") || additional != null && !(additional.isBoolean() && additional.booleanValue()))) {
            object(s, path, depth);
        } else if ((untypedOr || t.equals("object")) && s.has("allOf")) {
            allOf(s.get("allOf"), path + ".allOf", depth);
        } else if ((untypedOr || t.equals("array")) && (s.has("items") || s.has("prefixItems"))) {
            String key = s.has("items") ? "items" : "prefixItems";
            JsonNode items = s.get(key);
            if (items.isArray()) {
                for (int i = 0; i < items.size(); i++) {
                    schema(items.get(i), path + "." + key + "[" + i + "]", depth + 1);
                }
            } else {
                schema(items, path + "." + key, depth + 1);
                int min = count(s, "minItems", 0, path);
                int max = count(s, "maxItems", Integer.MAX_VALUE, path);
                if (s.has("maxItems") && max == 0) {
                    throw new SchemaRefusedException(path + ".maxItems", "must be at least 1 when items are given");
                }
                order(min, max, path, "minItems", "maxItems");
            }
        } else if ((untypedOr || t.equals("string")) && s.has("pattern")) {
            JsonNode p = s.get("pattern");
            if (!p.isTextual()) {
                throw new SchemaRefusedException(path + ".pattern", "must be a string");
            }
            SchemaPattern.check(p.textValue(), path + ".pattern");
        } else if ((untypedOr || t.equals("string")) && s.has("format") && KNOWN_FORMAT.matcher(s.get("format").textValue()).matches()) {
            return; // uuid, date, time, date-time: a fixed rule of the converter's
        } else if (untypedOr && s.size() > 0) {
            throw new SchemaRefusedException(path, "says nothing the converter can enforce: give it a type (or properties, items, enum, "
                    + "const, anyOf, oneOf, $ref, pattern); a schema for any value is not supported");
        } else if ("string".equals(t)) {
            order(count(s, "minLength", 0, path), count(s, "maxLength", Integer.MAX_VALUE, path), path, "minLength", "maxLength");
        } else if ("integer".equals(t)) {
            integerBounds(s, path);
        }
    }

    private void ref(JsonNode ref, String path, int depth) {
        JsonNode target = target(ref, path + ".$ref");
        String r = ref.textValue();
        if (refsResolving.contains(r)) {
            if (target.has("$ref") && r.equals(target.get("$ref").asText())) {
                throw new SchemaRefusedException(path + ".$ref", "'" + r + "' refers to itself");
            }
            return; // a recursive structure: the converter refers to the rule it is writing
        }
        if (!refsVisited.add(r)) {
            return;
        }
        refsResolving.add(r);
        schema(target, r, depth + 1);
        refsResolving.remove(r);
    }

    private void object(JsonNode s, String path, int depth) {
        JsonNode props = s.get("properties");
        if (props != null) {
            if (!props.isObject()) {
                throw new SchemaRefusedException(path + ".properties", "must be an object of schemas");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                garbled(p.getKey(), path + ".properties", "property name");
                schema(p.getValue(), path + ".properties." + p.getKey(), depth + 1);
            }
        }
        JsonNode additional = s.get("additionalProperties");
        if (additional != null && additional.isObject()) {
            schema(additional, path + ".additionalProperties", depth + 1);
        }
    }

    /** The converter merges allOf's properties (following $refs, and anyOf members as optional). */
    private void allOf(JsonNode all, String path, int depth) {
        if (!all.isArray() || all.isEmpty()) {
            throw new SchemaRefusedException(path, "must be a non-empty array of schemas");
        }
        for (int i = 0; i < all.size(); i++) {
            JsonNode part = all.get(i);
            String at = path + "[" + i + "]";
            if (!part.isObject()) {
                throw new SchemaRefusedException(at, "must be a schema object");
            }
            if (part.has("anyOf")) {
                JsonNode any = part.get("anyOf");
                if (!any.isArray()) {
                    throw new SchemaRefusedException(at + ".anyOf", "must be an array of schemas");
                }
                for (int j = 0; j < any.size(); j++) {
                    component(any.get(j), at + ".anyOf[" + j + "]", depth, new HashSet<>());
                }
            } else {
                component(part, at, depth, new HashSet<>());
            }
        }
    }

    private void component(JsonNode c, String path, int depth, Set<String> hops) {
        if (!c.isObject()) {
            throw new SchemaRefusedException(path, "must be a schema object");
        }
        if (c.has("$ref")) {
            String r = c.get("$ref").asText();
            if (!hops.add(r)) {
                throw new SchemaRefusedException(path + ".$ref", "'" + r + "' leads back to itself inside allOf");
            }
            component(target(c.get("$ref"), path + ".$ref"), r, depth + 1, hops);
        } else if (c.has("properties")) {
            object(c, path, depth);
        }
    }

    /**
     * Text the converter writes into a grammar literal from its JSON form: where that form escapes a
     * quote or a backslash, llama.cpp's b4916 writes the escape wrongly (a broken or a different grammar).
     */
    private static void literalText(JsonNode v, String path) {
        if (v.isTextual()) {
            garbled(v.textValue(), path, "value");
        } else if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                literalText(v.get(i), path + "[" + i + "]");
            }
        } else if (v.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                garbled(f.getKey(), path, "key");
                literalText(f.getValue(), path + "." + f.getKey());
            }
        }
    }

    private static void garbled(String text, String path, String what) {
        if (text.indexOf('"') >= 0 || text.indexOf('\\') >= 0) {
            throw new SchemaRefusedException(path, "the " + what + " '" + text + "' holds a quote or a backslash, which llama.cpp's converter "
                    + "cannot write into a grammar");
        }
    }

    /** The keywords the converter reads as numbers or lists, whichever case it takes: of the right JSON type. */
    private static void keywordTypes(JsonNode s, String path) {
        for (String k : new String[] {"minLength", "maxLength", "minItems", "maxItems"}) {
            count(s, k, 0, path);
        }
        for (String k : new String[] {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}) {
            if (s.has(k) && !s.get(k).isNumber()) {
                throw new SchemaRefusedException(path + "." + k, "must be a number");
            }
        }
        JsonNode required = s.get("required");
        if (required != null) {
            if (!required.isArray()) {
                throw new SchemaRefusedException(path + ".required", "must be an array of property names");
            }
            for (int i = 0; i < required.size(); i++) {
                if (!required.get(i).isTextual()) {
                    throw new SchemaRefusedException(path + ".required[" + i + "]", "must be a string");
                }
            }
        }
        JsonNode additional = s.get("additionalProperties");
        if (additional != null && !additional.isBoolean() && !additional.isObject()) {
            throw new SchemaRefusedException(path + ".additionalProperties", "must be true, false or a schema");
        }
    }

    /** A length or item count: a whole number from 0 to {@link #MAX_REPEAT}. */
    private static int count(JsonNode s, String key, int absent, String path) {
        JsonNode v = s.get(key);
        if (v == null) {
            return absent;
        }
        if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble()) || v.asDouble() < 0) {
            throw new SchemaRefusedException(path + "." + key, "must be a whole number, 0 or more; got " + v);
        }
        if (v.asDouble() > MAX_REPEAT) {
            throw new SchemaRefusedException(path + "." + key, v + " is past the limit of " + MAX_REPEAT
                    + " (each one becomes grammar rules; an answer that long would not fit a context either)");
        }
        return v.asInt();
    }

    private static void order(int min, int max, String path, String minKey, String maxKey) {
        if (min > max) {
            throw new SchemaRefusedException(path, minKey + " " + min + " is more than " + maxKey + " " + max);
        }
    }

    private static void integerBounds(JsonNode s, String path) {
        long min = Long.MIN_VALUE;
        long max = Long.MAX_VALUE;
        if (s.has("minimum")) {
            min = integerBound(s, "minimum", path);
        } else if (s.has("exclusiveMinimum")) {
            min = integerBound(s, "exclusiveMinimum", path) + 1;
        }
        if (s.has("maximum")) {
            max = integerBound(s, "maximum", path);
        } else if (s.has("exclusiveMaximum")) {
            max = integerBound(s, "exclusiveMaximum", path) - 1;
        }
        if (min > max) {
            throw new SchemaRefusedException(path, "no integer lies between its minimum and maximum");
        }
    }

    private static long integerBound(JsonNode s, String key, String path) {
        double v = s.get(key).asDouble();
        if (v != Math.rint(v) || Math.abs(v) > MAX_INTEGER_BOUND) {
            throw new SchemaRefusedException(path + "." + key, "an integer's bound must be a whole number from -" + MAX_INTEGER_BOUND
                    + " to " + MAX_INTEGER_BOUND + "; got " + s.get(key));
        }
        return (long) v;
    }

    private static String kind(JsonNode n) {
        return n.isBoolean() ? "a boolean" : n.isNumber() ? "a number" : n.isTextual() ? "a string" : n.isArray() ? "an array"
                : n.isNull() ? "null" : "an object";
    }
}
