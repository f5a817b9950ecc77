package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.localmodels.testing.AnalysisProfile;
import io.localmodels.testing.FakeChatResource;
import io.localmodels.testing.FakeChatServer;
import io.localmodels.testing.Readiness;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.WhisperFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Base64;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Gemini API answered by the OpenAI-compatible server of {@code lma.analysis.base-url} (a loopback
 * one here): what that server is asked holds Whisper's transcript of the audio part and the
 * detector's objects of the photo.
 */
@QuarkusTest
@TestProfile(AnalysisProfile.class)
class GeminiOverChatServerTest {

    @BeforeEach
    void ready() {
        WhisperFixtures.dir();
        SharedFiles.require("models/yolox-nano/yolox_nano.onnx");
        Readiness.awaitAsr();
        FakeChatResource.server.reset();
        FakeChatResource.server.answerWith(r -> FakeChatServer.Reply.content("Un perro delante de una bicicleta."));
    }

    @Test
    void theServerIsAskedWithTheTranscriptAndTheObjects() throws Exception {
        byte[] wav = Files.readAllBytes(SharedFiles.require("audio/jfk.wav"));
        byte[] jpeg = Files.readAllBytes(SharedFiles.require("images/dog.jpg"));
        // the transcript the service's Whisper makes of this file, through its own endpoint
        String transcript = given().multiPart("file", SharedFiles.require("audio/jfk.wav").toFile(), "audio/wav")
                .post("/v1/audio/transcriptions").then().statusCode(200).extract().path("text");
        assertTrue(!transcript.isBlank());

        String body = "{\"systemInstruction\":{\"parts\":[{\"text\":\"Eres breve.\"}]},\"contents\":[{\"role\":\"user\",\"parts\":["
                + "{\"text\":\"¿Qué se oye y qué se ve?\"},"
                + "{\"inlineData\":{\"mimeType\":\"audio/wav\",\"data\":\"" + Base64.getEncoder().encodeToString(wav) + "\"}},"
                + "{\"inline_data\":{\"mime_type\":\"image/jpeg\",\"data\":\"" + Base64.getEncoder().encodeToString(jpeg) + "\"}}]}],"
                + "\"generationConfig\":{\"temperature\":0.2,\"maxOutputTokens\":50}}";
        given().contentType(ContentType.JSON).header("x-goog-api-client", "test").body(body)
                .post("/v1beta/models/gemini-2.0-flash:generateContent").then().statusCode(200)
                .body("candidates[0].content.parts[0].text", equalTo("Un perro delante de una bicicleta."))
                .body("candidates[0].finishReason", equalTo("STOP")).body("modelVersion", equalTo("fake-llm"));

        JsonNode asked = FakeChatResource.server.requests().get(FakeChatResource.server.requests().size() - 1);
        assertEquals("fake-llm", asked.path("model").asText());
        assertEquals(50, asked.path("max_tokens").asInt());
        assertEquals("system", asked.path("messages").path(0).path("role").asText());
        assertEquals("Eres breve.", asked.path("messages").path(0).path("content").asText());
        String user = asked.path("messages").path(1).path("content").asText();
        assertTrue(user.startsWith("¿Qué se oye y qué se ve?\n[Audio, 11.0 s"), user);
        assertTrue(user.contains("Transcript: " + transcript.strip() + "]"), user);
        assertTrue(user.contains("[Image. Objects seen: ") && user.contains("dog (") && user.contains("bicycle ("), user);
    }

    @Test
    void aSchemaGoesToTheServerAsJsonSchemaAndStreamsComeWhole() {
        String body = "{\"contents\":[{\"parts\":[{\"text\":\"Ciudad\"}]}],\"generationConfig\":{\"responseMimeType\":\"application/json\","
                + "\"responseSchema\":{\"type\":\"OBJECT\",\"properties\":{\"ciudad\":{\"type\":\"STRING\",\"nullable\":true}},"
                + "\"required\":[\"ciudad\"],\"propertyOrdering\":[\"ciudad\"]}}}";
        FakeChatResource.server.answerWith(r -> FakeChatServer.Reply.content("{\"ciudad\":\"Lima\"}"));
        String sse = given().contentType(ContentType.JSON).body(body).post("/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse")
                .then().statusCode(200).header("Content-Type", containsString("text/event-stream")).extract().asString();
        assertTrue(sse.startsWith("data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"{\\\"ciudad\\\":\\\"Lima\\\"}\"}]}"), sse);
        assertTrue(sse.contains("\"finishReason\":\"STOP\""), sse);
        JsonNode format = FakeChatResource.server.requests().get(FakeChatResource.server.requests().size() - 1).path("response_format");
        assertEquals("json_schema", format.path("type").asText());
        assertEquals("{\"type\":\"object\",\"properties\":{\"ciudad\":{\"type\":[\"string\",\"null\"]}},\"required\":[\"ciudad\"]}",
                format.path("json_schema").path("schema").toString());
    }

    @Test
    void theServersFailureIsSaidInGooglesShape() {
        FakeChatResource.server.answerWith(r -> new FakeChatServer.Reply(500, "{\"error\":\"boom\"}", 0));
        given().contentType(ContentType.JSON).body("{\"contents\":[{\"parts\":[{\"text\":\"hola\"}]}]}")
                .post("/v1beta/models/x:generateContent").then().statusCode(503)
                .body("error.status", equalTo("UNAVAILABLE")).body("error.message", containsString("HTTP 500 from the LLM server"));
        // no tokenizer for a server's model here
        given().contentType(ContentType.JSON).body("{\"contents\":[{\"parts\":[{\"text\":\"hola\"}]}]}")
                .post("/v1beta/models/x:countTokens").then().statusCode(501).body("error.status", equalTo("UNIMPLEMENTED"));
    }
}
