package io.localmodels.api;

import io.localmodels.testing.EmbeddedLlmProfile;
import io.localmodels.testing.Readiness;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bad-input sweep of every entry point into the embedded LLM (OpenAI chat, Gemini REST and stream, Gemini
 * Live setup): schemas the grammar converter cannot take, schemas past the grammar limits, prompts and token
 * limits of the wrong kind. Each is a clear refusal naming the part, and the LLM answers the next request.
 * (What the converter itself would do with each schema is tested in child JVMs: SchemaGuardTest.)
 */
@QuarkusTest
@TestProfile(EmbeddedLlmProfile.class)
class LlmBadInputTest {

    private static final String USER = "[{\"role\":\"user\",\"content\":\"hola\"}]";
    private static final String GEMINI_USER = "[{\"role\":\"user\",\"parts\":[{\"text\":\"hola\"}]}]";

    /** Schema, and the part its refusal must name. */
    private static final List<String[]> SCHEMAS = List.of(
            new String[] {"{\"type\":\"FOO\"}", "$.type"},
            new String[] {"{\"type\":\"string\",\"minLength\":1000000000}", "$.minLength"},
            new String[] {"{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":100000}", "$.minItems"},
            new String[] {"{\"type\":\"string\",\"pattern\":\"^(?:ab)$\"}", "$.pattern"},
            new String[] {"{\"type\":\"string\",\"pattern\":\"^a]$\"}", "$.pattern"},
            new String[] {"{\"$ref\":\"#/$defs/missing\"}", "$.$ref"},
            new String[] {"{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\",\"format\":5}}}", "$.properties.x.format"});

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void ready() {
        Readiness.awaitLlm();
    }

    @Test
    void openAiSchemasTheConverterCannotTakeAre400sNamingThePart() {
        for (String[] s : SCHEMAS) {
            given().contentType(ContentType.JSON).body("{\"messages\":" + USER + ",\"response_format\":{\"type\":\"json_schema\","
                            + "\"json_schema\":{\"name\":\"x\",\"schema\":" + s[0] + "}}}")
                    .post("/v1/chat/completions").then().statusCode(400).body("error.code", equalTo("invalid_request"))
                    .body("error.message", containsString("response_format.json_schema.schema"))
                    .body("error.message", containsString(s[1]));
        }
        theLlmStillAnswers();
    }

    @Test
    void geminiSchemasTheConverterCannotTakeAre400sNamingThePart() {
        for (String[] s : SCHEMAS) {
            for (String route : List.of(":generateContent", ":streamGenerateContent?alt=sse")) {
                given().contentType(ContentType.JSON).body("{\"contents\":" + GEMINI_USER + ",\"generationConfig\":{\"responseMimeType\":"
                                + "\"application/json\",\"responseJsonSchema\":" + s[0] + "}}")
                        .post("/v1beta/models/gemini-2.5-flash" + route).then().statusCode(400)
                        .body("error.status", equalTo("INVALID_ARGUMENT")).body("error.message", containsString(s[1]));
            }
        }
        // Gemini's own Schema form, the example: read into JSON Schema, then refused the same way
        given().contentType(ContentType.JSON).body("{\"contents\":" + GEMINI_USER + ",\"generationConfig\":{\"responseMimeType\":"
                        + "\"application/json\",\"responseSchema\":{\"type\":\"FOO\"}}}")
                .post("/v1beta/models/gemini-2.5-flash:generateContent").then().statusCode(400)
                .body("error.status", equalTo("INVALID_ARGUMENT")).body("error.message", containsString("$.type"));
        given().contentType(ContentType.JSON).body("{\"contents\":" + GEMINI_USER + ",\"generationConfig\":{\"responseMimeType\":"
                        + "\"application/json\",\"responseSchema\":{\"type\":\"STRING\",\"maxLength\":\"lots\"}}}")
                .post("/v1beta/models/gemini-2.5-flash:generateContent").then().statusCode(400)
                .body("error.status", equalTo("INVALID_ARGUMENT")).body("error.message", containsString("maxLength"));
        theLlmStillAnswers();
    }

    @Test
    void aLiveSetupWithSuchASchemaClosesWith1007NamingThePart() throws Exception {
        for (String[] s : SCHEMAS) {
            try (WsClient ws = WsClient.connect(base, "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent",
                    new WebSocketConnectOptions())) {
                ws.json(new JsonObject().put("setup", new JsonObject().put("model", "models/gemini-live-2.5-flash")
                        .put("generationConfig", new JsonObject().put("responseModalities", new JsonArray().add("TEXT"))
                                .put("responseMimeType", "application/json").put("responseJsonSchema", new JsonObject(s[0])))));
                assertEquals(1007, ws.awaitClose(30), s[0] + ": " + ws.closeReason());
                assertTrue(ws.closeReason().startsWith("INVALID_ARGUMENT") && ws.closeReason().contains(s[1]), s[0] + ": " + ws.closeReason());
            }
        }
        theLlmStillAnswers();
    }

    @Test
    void promptsAndTokenLimitsOfTheWrongKindAreRefusedOrServed() {
        for (String cap : List.of("0", "-1", "1000000000000", "\"ten\"", "2.5", "[]")) {
            given().contentType(ContentType.JSON).body("{\"messages\":" + USER + ",\"max_tokens\":" + cap + "}").post("/v1/chat/completions")
                    .then().statusCode(400).body("error.message", containsString("max_tokens"));
            given().contentType(ContentType.JSON).body("{\"contents\":" + GEMINI_USER + ",\"generationConfig\":{\"maxOutputTokens\":" + cap + "}}")
                    .post("/v1beta/models/gemini-2.5-flash:generateContent").then().statusCode(400)
                    .body("error.message", containsString("maxOutputTokens"));
        }
        // a prompt longer than the context: refused before generation
        String huge = "palabra ".repeat(40_000);
        given().contentType(ContentType.JSON).body("{\"messages\":[{\"role\":\"user\",\"content\":\"" + huge + "\"}]}").post("/v1/chat/completions")
                .then().statusCode(400).body("error.code", equalTo("context_length_exceeded"));
        // NUL, control characters, a lone surrogate, right-to-left marks: text like any other
        for (String odd : List.of("a\\u0000b", "\\u0001\\u001f\\u007f", "\\ud800 alone", "\\u202eabc", "\\uffff\\ufffe")) {
            given().contentType(ContentType.JSON).body("{\"messages\":[{\"role\":\"user\",\"content\":\"" + odd + "\"}],\"max_tokens\":4}")
                    .post("/v1/chat/completions").then().statusCode(200).body("choices[0].message.role", equalTo("assistant"));
            given().contentType(ContentType.JSON).body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + odd + "\"}]}],"
                            + "\"generationConfig\":{\"maxOutputTokens\":4}}")
                    .post("/v1beta/models/gemini-2.5-flash:generateContent").then().statusCode(200);
        }
        for (String stop : List.of("[\"\"]", "[1]", "[\"a\",\"b\",\"c\",\"d\",\"e\"]", "{}")) {
            given().contentType(ContentType.JSON).body("{\"messages\":" + USER + ",\"stop\":" + stop + "}").post("/v1/chat/completions")
                    .then().statusCode(400).body("error.message", containsString("stop"));
        }
        theLlmStillAnswers();
    }

    /** What Google's server refuses, refused the same way: nothing is guessed at. */
    @Test
    void geminiBodiesGoogleRefusesAreRefused() {
        String ok = "{\"contents\":" + GEMINI_USER + "}";
        for (String bad : List.of(ok + " trailing", ok + "{}", "{\"contents\":" + GEMINI_USER + ",\"contents\":" + GEMINI_USER + "}",
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":5}]}]}",
                "{\"contents\":" + GEMINI_USER + ",\"generationConfig\":{\"seed\":\"x\"}}",
                "{\"contents\":" + GEMINI_USER + ",\"generationConfig\":{\"maxOutputTokens\":2.5}}",
                "{\"contents\":" + GEMINI_USER + ",\"generationConfig\":{\"stopSequences\":[7]}}",
                "{\"contents\":" + GEMINI_USER + ",\"generationConfig\":{\"topK\":\"many\"}}",
                "{\"contents\":" + GEMINI_USER + ",\"generationConfig\":{\"responseModalities\":\"TEXT\"}}",
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=99999999999\",\"data\":\"AAAA\"}}]}]}")) {
            given().contentType(ContentType.JSON).body(bad).post("/v1beta/models/gemini-2.5-flash:generateContent").then()
                    .statusCode(400).body("error.status", equalTo("INVALID_ARGUMENT"));
        }
        // proto3 JSON writes int32 as a number or a string of one: both are read
        given().contentType(ContentType.JSON).body("{\"contents\":" + GEMINI_USER + ",\"generationConfig\":{\"maxOutputTokens\":\"3\",\"seed\":7}}")
                .post("/v1beta/models/gemini-2.5-flash:generateContent").then().statusCode(200)
                .body("usageMetadata.candidatesTokenCount", equalTo(3));
        given().contentType(ContentType.JSON).body("{\"messages\":" + USER + ",\"messages\":" + USER + "}").post("/v1/chat/completions")
                .then().statusCode(400).body("error.code", equalTo("invalid_json"));
    }

    private static void theLlmStillAnswers() {
        given().contentType(ContentType.JSON).body("{\"messages\":" + USER + ",\"max_tokens\":3,\"response_format\":{\"type\":\"json_schema\","
                        + "\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}}}}}}")
                .post("/v1/chat/completions").then().statusCode(200).body("object", equalTo("chat.completion"));
    }
}
