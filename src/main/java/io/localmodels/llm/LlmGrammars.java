package io.localmodels.llm;

import com.fasterxml.jackson.databind.JsonNode;
import de.kherud.llama.LlamaModel;

/** GBNF grammars from JSON schemas (llama.cpp's own converter), and the compact form with a provable length bound. */
public final class LlmGrammars {

    private static final String SPACE = "space ::= | \" \" | \"\\n\"{1,2} [ \\t]{0,20}";
    private static final String CHAR = "char ::= [^\"\\\\\\x7F\\x00-\\x1F] | [\\\\] ([\"\\\\bfnrt] | \"u\" [0-9a-fA-F]{4})";
    // No indentation, no \\u escapes, no characters outside the Basic Multilingual Plane (nor the surrogates):
    // every character of a string is then at most 3 bytes, which keeps the bound of a bounded schema small.
    private static final String COMPACT_SPACE = "space ::= \" \"?";
    private static final String COMPACT_CHAR = "char ::= [^\"\\\\\\x7F\\x00-\\x1F\\uD800-\\uDFFF\\U00010000-\\U7FFFFFFF] | [\\\\] [\"\\\\bfnrt]";

    private LlmGrammars() {
    }

    /**
     * llama.cpp's conversion of a JSON schema (the one its server uses for response_format), after
     * {@link SchemaCheck} has refused, in Java, whatever the native converter would die on, and with
     * the expanded grammar bounded ({@link GrammarSize}). Throws {@link SchemaRefusedException}.
     */
    public static String fromJsonSchema(JsonNode schema) {
        SchemaCheck.check(schema);
        String grammar = convert(schema.toString());
        long elements;
        try {
            elements = GrammarSize.elements(grammar);
        } catch (IllegalArgumentException e) {
            throw new SchemaRefusedException("$", "llama.cpp's converter wrote a grammar this service cannot check (" + e.getMessage() + ")");
        }
        if (elements > GrammarSize.MAX_ELEMENTS) {
            throw new SchemaRefusedException("$", "its grammar expands to " + elements + " elements; the limit is " + GrammarSize.MAX_ELEMENTS
                    + " (lower maxLength, maxItems or a pattern's counts)");
        }
        return grammar;
    }

    /** Native code: only for schemas {@link SchemaCheck} passed. */
    private static String convert(String checkedSchema) {
        LlamaNatives.prepare();
        return LlamaModel.jsonSchemaToGrammar(checkedSchema);
    }

    private static volatile String jsonObject;

    /** Any JSON object (response_format json_object); converted once. */
    public static String jsonObject() {
        String g = jsonObject;
        if (g == null) {
            g = convert("{\"type\":\"object\"}");
            jsonObject = g;
        }
        return g;
    }

    /**
     * The schema's grammar without optional whitespace runs and escapes that widen a character:
     * throws when the converter's rules are not the ones this rewrites (a newer llama.cpp), rather
     * than silently keep a weaker bound.
     */
    public static String compactFromJsonSchema(JsonNode schema) {
        String g = fromJsonSchema(schema);
        if (!g.contains(SPACE) || (g.contains("char ::=") && !g.contains(CHAR))) {
            throw new IllegalStateException("llama.cpp's schema converter wrote rules this service does not know:\n" + g);
        }
        return g.replace(SPACE, COMPACT_SPACE).replace(CHAR, COMPACT_CHAR);
    }
}
