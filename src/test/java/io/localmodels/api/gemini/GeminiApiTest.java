package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.localmodels.testing.EmbeddedLlmProfile;
import io.localmodels.testing.NodeScripts;
import io.localmodels.testing.Readiness;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Sox;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Gemini REST API over the embedded fixture LLM, driven by Google's own @google/genai client
 * (its base URL pointed at the service), and its errors in Google's shape.
 */
@QuarkusTest
@TestProfile(EmbeddedLlmProfile.class)
class GeminiApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void ready() {
        Readiness.awaitLlm();
    }

    @Test
    void googlesClientGetsPlainStreamedAndSchemaAnswersOnV1AndV1beta() throws Exception {
        NodeScripts.requireModule("@google/genai");
        String root = base.toString().replaceAll("/$", "");
        for (String version : new String[] {"", "v1beta"}) {
            Path ogg = Sox.opusEncode(SharedFiles.require("audio/jfk.wav"), Path.of("target/gemini-api-test/jfk.opus"));
            JsonNode out = JSON.readTree(NodeScripts.run("gemini-rest.mjs", List.of(root, "any-key", version,
                    SharedFiles.require("images/dog.jpg").toString(), SharedFiles.require("audio/jfk.wav").toString(), ogg.toString()),
                    Duration.ofMinutes(3)));
            JsonNode plain = out.path("plain");
            assertEquals("model", plain.path("role").asText());
            assertFalse(plain.path("text").asText().isEmpty(), plain.toString());
            assertEquals("MAX_TOKENS", plain.path("finish").asText(), "a random model runs to maxOutputTokens");
            assertEquals(24, plain.path("usage").path("candidatesTokenCount").asInt());
            int prompt = plain.path("usage").path("promptTokenCount").asInt();
            assertTrue(prompt > 10, plain.toString());
            assertEquals(prompt + 24, plain.path("usage").path("totalTokenCount").asInt());
            assertEquals("tiny-llama.gguf", plain.path("modelVersion").asText(), "modelVersion says what really answered");

            JsonNode stream = out.path("stream");
            assertTrue(stream.path("chunks").size() > 3, "several chunks: " + stream);
            List<String> chunks = new ArrayList<>();
            stream.path("chunks").forEach(c -> chunks.add(c.asText()));
            assertEquals(plain.path("text").asText(), String.join("", chunks), "at temperature 0 the chunks join to the plain answer");
            assertEquals("MAX_TOKENS", stream.path("finish").asText());
            assertEquals(plain.path("usage"), stream.path("usage"));

            JsonNode doc = JSON.readTree(out.path("schema").path("text").asText());
            String city = doc.path("ciudad").asText().replace("\uFFFD", "");
            assertTrue(doc.path("ciudad").isTextual() && city.codePointCount(0, city.length()) <= 20, doc.toString());
            assertTrue(doc.path("personas").isInt() && doc.path("personas").asInt() >= 0 && doc.path("personas").asInt() <= 99, doc.toString());
            assertEquals(2, doc.size(), doc.toString());

            // a photo and a recording reach the LLM as what the detector and Whisper made of them: the prompt grows
            JsonNode media = out.path("media");
            assertTrue(media.path("withImage").asInt() > media.path("textOnly").asInt() + 10, media.toString());
            assertTrue(media.path("withAudio").asInt() > media.path("textOnly").asInt() + 10, media.toString());
            // the same recording as Ogg Opus (opusenc) is transcribed too
            assertTrue(media.path("withOgg").asInt() > media.path("textOnly").asInt() + 10, media.toString());
            // countTokens counts what generateContent counts as its prompt
            assertEquals(media.path("textOnly").asInt(), media.path("counted").asInt(), media.toString());

            for (String refused : new String[] {"imagePart", "oggPart", "imageModality", "twoCandidates"}) {
                assertEquals(400, out.path(refused).path("status").asInt(), out.path(refused).toString());
                assertTrue(out.path(refused).path("message").asText().contains("INVALID_ARGUMENT"), out.path(refused).toString());
            }
            assertTrue(out.path("imagePart").path("message").asText().contains("image/jpeg part was refused"), out.path("imagePart").toString());
            assertTrue(out.path("oggPart").path("message").asText().contains("the audio/ogg part cannot be decoded: a damaged Ogg file"),
                    out.path("oggPart").toString());
            assertTrue(out.path("imageModality").path("message").asText().contains("TEXT and AUDIO are supported"),
                    out.path("imageModality").toString());

            assertEquals("[\"models/tiny-llama.gguf\"]", out.path("models").toString());
            assertEquals("models/gemini-2.5-flash", out.path("model").path("name").asText());
            assertEquals("tiny-llama.gguf", out.path("model").path("version").asText());
        }
    }

    @Test
    void badRequestsAreAnsweredInGooglesErrorShape() {
        String ok = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hola\"}]}]}";
        given().contentType(ContentType.JSON).body("{\"contents\": [}").post("/v1beta/models/gemini-2.5-flash:generateContent")
                .then().statusCode(400).body("error.code", equalTo(400)).body("error.status", equalTo("INVALID_ARGUMENT"));
        given().contentType(ContentType.JSON).body("{\"contents\":[{\"parts\":[{\"text\":\"hola\"}]}],\"temprature\":0.1}")
                .post("/v1beta/models/gemini-2.5-flash:generateContent").then().statusCode(400)
                .body("error.status", equalTo("INVALID_ARGUMENT")).body("error.message", containsString("Unknown name \"temprature\""));
        given().contentType(ContentType.JSON).body("{\"contents\":[{\"parts\":[{\"text\":\"hola\"}]}],\"generation_config\":{\"max_output_tokens\":5,"
                        + "\"top_k\":3,\"colour\":1}}")
                .post("/v1beta/models/gemini-2.5-flash:generateContent").then().statusCode(400)
                .body("error.message", containsString("Unknown name \"colour\" at 'generationConfig'"));
        // snake_case is read like camelCase
        given().contentType(ContentType.JSON).body("{\"contents\":[{\"parts\":[{\"text\":\"hola\"}]}],\"system_instruction\":{\"parts\":"
                        + "[{\"text\":\"breve\"}]},\"generation_config\":{\"max_output_tokens\":5,\"temperature\":0}}")
                .post("/v1alpha/models/whatever:generateContent").then().statusCode(200)
                .body("candidates[0].finishReason", equalTo("MAX_TOKENS")).body("usageMetadata.candidatesTokenCount", equalTo(5));
        given().contentType(ContentType.JSON).body("{\"contents\":[{\"role\":\"system\",\"parts\":[{\"text\":\"x\"}]}]}")
                .post("/v1/models/gemini-2.5-flash:generateContent").then().statusCode(400)
                .body("error.message", containsString("contents[0].role must be 'user' or 'model'"));
        int whole = given().contentType(ContentType.JSON).body("{\"generateContentRequest\":{\"model\":\"models/x\",\"contents\":"
                        + "[{\"role\":\"user\",\"parts\":[{\"text\":\"hola\"}]}],\"systemInstruction\":{\"parts\":[{\"text\":\"breve\"}]}}}")
                .post("/v1beta/models/gemini-2.5-flash:countTokens").then().statusCode(200).extract().path("totalTokens");
        int contentsOnly = given().contentType(ContentType.JSON).body(ok).post("/v1beta/models/gemini-2.5-flash:countTokens").then()
                .statusCode(200).extract().path("totalTokens");
        assertTrue(whole > contentsOnly, whole + " vs " + contentsOnly + ": the system instruction counts too");
        given().contentType(ContentType.JSON).body("{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}],\"extra\":1}")
                .post("/v1beta/models/gemini-2.5-flash:countTokens").then().statusCode(400).body("error.message", containsString("Unknown name \"extra\""));
        // without Google's headers, GET /v1/models stays the OpenAI list
        given().get("/v1/models").then().statusCode(200).body("object", equalTo("list"));
        given().header("x-goog-api-client", "google-genai-sdk/3.6.1").get("/v1/models").then().statusCode(200)
                .body("models[0].name", equalTo("models/tiny-llama.gguf"));
    }
}
