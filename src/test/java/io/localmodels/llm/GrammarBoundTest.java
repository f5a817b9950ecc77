package io.localmodels.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The longest text of small grammars, counted by hand. */
class GrammarBoundTest {

    @Test
    void literalsClassesGroupsAndRepetitionsAddUpInBytes() {
        // "ab" (2) + up to 3 of [a-z] (3) + the longer alternative "yz" (2)
        assertEquals(7, GrammarBound.maxBytes("root ::= \"ab\" [a-z]{0,3} (\"x\" | \"yz\")?"));
        // "ñ" is 2 bytes in UTF-8, [^"] may be a 4-byte character, a rule used twice counts twice
        assertEquals(2 + 4 + 4, GrammarBound.maxBytes("root ::= \"ñ\" c c\nc ::= [^\"]"));
        // a class of the Basic Multilingual Plane only: 3 bytes; a negated class without the astral planes: 3
        assertEquals(3, GrammarBound.maxBytes("root ::= [a-z\\u00E0-\\uFFFF]"));
        assertEquals(3, GrammarBound.maxBytes("root ::= [^\"\\U00010000-\\U7FFFFFFF]"));
        // {m} and {m,n} repeat a group; escapes are one character
        assertEquals(2 * (1 + 2), GrammarBound.maxBytes("root ::= (\"\\\"\" [\\x00-\\x7F]{1,2}){2}"));
    }

    @Test
    void anythingWithoutALimitIsUnbounded() {
        assertEquals(GrammarBound.UNBOUNDED, GrammarBound.maxBytes("root ::= \"a\"*"));
        assertEquals(GrammarBound.UNBOUNDED, GrammarBound.maxBytes("root ::= [0-9]+ \"x\""));
        assertEquals(GrammarBound.UNBOUNDED, GrammarBound.maxBytes("root ::= \"a\"{2,}"));
        assertEquals(GrammarBound.UNBOUNDED, GrammarBound.maxBytes("root ::= \"(\" root? \")\""));
    }

    @Test
    void theCompactAnalysisStyleGrammarIsBoundedAndTheDefaultOneIsNot() throws Exception {
        JsonNode schema = new ObjectMapper().readTree("{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\",\"maxLength\":10},"
                + "\"l\":{\"type\":\"array\",\"maxItems\":2,\"items\":{\"type\":\"string\",\"maxLength\":3}}},\"required\":[\"s\",\"l\"],"
                + "\"additionalProperties\":false}");
        // {"s":"<10 chars>","l":["<3>","<3>"]}: 20 bytes of punctuation and keys, 16 characters of at most 3 bytes,
        // and one optional space at each of the converter's 13 space positions (3 in root, 2 + 1 around s, 2 + 3 around l, 2 in items)
        long bound = GrammarBound.maxBytes(LlmGrammars.compactFromJsonSchema(schema));
        assertEquals(20 + 3 * (10 + 3 + 3) + 13, bound);
        // the default has indentation runs: still bounded, but far larger
        assertEquals(true, GrammarBound.maxBytes(LlmGrammars.fromJsonSchema(schema)) > bound + 40);
    }
}
