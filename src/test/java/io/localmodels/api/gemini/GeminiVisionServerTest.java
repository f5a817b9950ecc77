package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.localmodels.testing.AnalysisProfile;
import io.localmodels.testing.FakeChatResource;
import io.localmodels.testing.FakeChatServer;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A vision-capable LLM server (lma.analysis.vision=true, a loopback one here) gets Gemini's image
 * parts and Live's camera frames as the images themselves, OpenAI's way, beside the detector's text;
 * a Live turn is answered by that server; lma.gemini.models names are listed.
 */
@QuarkusTest
@TestProfile(GeminiVisionServerTest.VisionProfile.class)
class GeminiVisionServerTest {

    public static class VisionProfile extends AnalysisProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(super.getConfigOverrides());
            m.put("lma.analysis.vision", "true");
            m.put("lma.gemini.models", "gemini-2.5-flash,models/gemini-2.0-flash");
            return m;
        }
    }

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void ready() {
        SharedFiles.require("models/yolox-nano/yolox_nano.onnx");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        FakeChatResource.server.reset();
        FakeChatResource.server.answerWith(r -> FakeChatServer.Reply.content("Un perro."));
    }

    /** The user message's content parts: its text, then the data URL of each image. */
    private static void assertShowsTheImage(JsonNode user, String text, byte[] jpeg) {
        JsonNode parts = user.path("content");
        assertTrue(parts.isArray() && parts.size() == 2, user.toString());
        assertEquals("text", parts.get(0).path("type").asText());
        assertTrue(parts.get(0).path("text").asText().startsWith(text), parts.get(0).toString());
        assertTrue(parts.get(0).path("text").asText().contains("[Image. Objects seen: "), "the detector's text stays: " + parts.get(0));
        assertEquals("image_url", parts.get(1).path("type").asText());
        assertEquals("data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg), parts.get(1).path("image_url").path("url").asText());
    }

    @Test
    void anImagePartGoesToTheServerAsTheImage() throws Exception {
        byte[] jpeg = Files.readAllBytes(SharedFiles.require("images/dog.jpg"));
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"¿Qué ves?\"},{\"inlineData\":{\"mimeType\":\"image/jpeg\","
                + "\"data\":\"" + Base64.getEncoder().encodeToString(jpeg) + "\"}}]}]}";
        given().contentType(ContentType.JSON).body(body).post("/v1beta/models/gemini-2.5-flash:generateContent").then().statusCode(200)
                .body("candidates[0].content.parts[0].text", equalTo("Un perro."));
        JsonNode asked = FakeChatResource.server.requests().get(FakeChatResource.server.requests().size() - 1);
        assertShowsTheImage(asked.path("messages").path(0), "¿Qué ves?", jpeg);

        // text-only turns stay plain strings
        given().contentType(ContentType.JSON).body("{\"contents\":[{\"parts\":[{\"text\":\"hola\"}]}]}")
                .post("/v1beta/models/x:generateContent").then().statusCode(200);
        asked = FakeChatResource.server.requests().get(FakeChatResource.server.requests().size() - 1);
        assertEquals("hola", asked.path("messages").path(0).path("content").asText());
    }

    @Test
    void theModelListShowsTheConfiguredNamesBesideTheLocalModel() {
        given().get("/v1beta/models").then().statusCode(200)
                .body("models.name", equalTo(List.of("models/fake-llm", "models/gemini-2.5-flash", "models/gemini-2.0-flash")))
                .body("models[1].version", equalTo("fake-llm"));
    }

    @Test
    void aLiveTurnWithACameraFrameIsAnsweredByTheServer() throws Exception {
        byte[] jpeg = Files.readAllBytes(SharedFiles.require("images/dog.jpg"));
        String path = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";
        try (WsClient ws = WsClient.connect(base, path, new WebSocketConnectOptions())) {
            ws.text("{\"setup\":{\"model\":\"models/x\",\"systemInstruction\":{\"parts\":[{\"text\":\"Eres breve.\"}]},"
                    + "\"generationConfig\":{\"maxOutputTokens\":30}}}");
            ws.await(m -> m.containsKey("setupComplete"), 10, "setupComplete");
            ws.text("{\"realtimeInput\":{\"video\":{\"mimeType\":\"image/jpeg\",\"data\":\"" + Base64.getEncoder().encodeToString(jpeg) + "\"}}}");
            ws.text("{\"realtimeInput\":{\"text\":\"¿Qué tengo delante?\"}}");
            JsonObject turn = ws.await(m -> serverContent(m).containsKey("modelTurn"), 30, "modelTurn");
            assertEquals("Un perro.", serverContent(turn).getJsonObject("modelTurn").getJsonArray("parts").getJsonObject(0).getString("text"));
            ws.await(m -> serverContent(m).getBoolean("generationComplete", false), 10, "generationComplete");
            ws.await(m -> serverContent(m).getBoolean("turnComplete", false), 10, "turnComplete");
            JsonNode asked = FakeChatResource.server.requests().get(FakeChatResource.server.requests().size() - 1);
            assertEquals(30, asked.path("max_tokens").asInt());
            assertEquals("Eres breve.", asked.path("messages").path(0).path("content").asText());
            assertShowsTheImage(asked.path("messages").path(1), "", jpeg);
            assertTrue(asked.path("messages").path(1).path("content").path(0).path("text").asText().endsWith("¿Qué tengo delante?"));

            // the next turn (no new frame): the earlier frame stays in the history as the detector's text only
            int before = FakeChatResource.server.requests().size();
            ws.text("{\"realtimeInput\":{\"text\":\"¿Y ahora?\"}}");
            await().atMost(Duration.ofSeconds(30)).until(() -> FakeChatResource.server.requests().size() > before);
            JsonNode next = FakeChatResource.server.requests().get(before);
            assertEquals(4, next.path("messages").size(), next.toString());
            assertTrue(next.path("messages").path(1).path("content").isTextual(), next.path("messages").path(1).toString());
            assertTrue(next.path("messages").path(1).path("content").asText().contains("[Image. Objects seen: "));
            assertEquals("Un perro.", next.path("messages").path(2).path("content").asText());
            assertEquals("¿Y ahora?", next.path("messages").path(3).path("content").asText());
        }
    }

    private static JsonObject serverContent(JsonObject m) {
        JsonObject c = m.getJsonObject("serverContent");
        return c == null ? new JsonObject() : c;
    }
}
