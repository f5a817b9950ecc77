package io.localmodels.api.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * What was wrong with a client's JSON, in the client's terms: the field and the kind of value
 * expected, never Jackson's Java class names, token types or feature switches.
 */
public final class JsonErrors {

    private JsonErrors() {
    }

    /** A value the client sent, as an error message quotes it: at most 40 characters, so a huge value never fills the answer. */
    public static String excerpt(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }

    public static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field \"" + u.getPropertyName() + "\"";
        }
        if (e instanceof MismatchedInputException m) {
            String field = path(m);
            String expected = kind(m.getTargetType());
            return field.isEmpty() ? "the body must be " + expected : "field \"" + field + "\" must be " + expected;
        }
        if (e instanceof DatabindException) {
            String field = e instanceof JsonMappingException jm ? path(jm) : "";
            return field.isEmpty() ? "the body has a value of the wrong kind" : "field \"" + field + "\" has a value of the wrong kind";
        }
        String m = String.valueOf(e.getOriginalMessage());
        if (m.startsWith("Duplicate field")) {
            return m.replace("Duplicate field", "duplicate key");
        }
        if (m.contains("Trailing token")) {
            return "text follows the JSON value";
        }
        int cut = m.indexOf(" (for ");
        cut = cut < 0 ? m.indexOf('\n') : cut;
        m = cut > 0 ? m.substring(0, cut) : m;
        return m.replaceAll("\\s*\\(code \\d+\\)", "").replaceAll("`[A-Za-z0-9_.$]+`", "value");
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String kind(Class<?> type) {
        if (type == null) {
            return "a value of another kind";
        }
        if (type == String.class || type == Character.class) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "a JSON object";
    }
}
