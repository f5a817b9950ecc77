package io.localmodels.api.auth;

import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** API keys on: every route but the probes and metrics wants one, the socket too; per-key limits answer 429 / 1008. */
@QuarkusTest
@TestProfile(AuthTest.Keys.class)
class AuthTest {

    public static class Keys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lma.auth.api-keys", "app:k1-secret-value,ops:k2-secret-value", "lma.auth.max-sessions-per-key", "1",
                    "lma.auth.frames-per-minute", "2");
        }
    }

    static final String APP = "Bearer k1-secret-value";
    static final String OPS = "Bearer k2-secret-value";

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @Test
    void everyRouteWantsAKeyExceptProbesAndMetrics() {
        for (String path : List.of("/models", "/models/silero-vad", "/sessions", "/sessions/x", "/vision/frames/x", "/q/openapi", "/nope",
                "/v1/models")) {
            given().get(path).then().statusCode(401).header("WWW-Authenticate", notNullValue())
                    .body("error.code", equalTo("unauthorized"));
            given().header("Authorization", "Bearer wrong").get(path).then().statusCode(401)
                    .body("error.message", equalTo("the API key is not valid"));
        }
        given().contentType("application/json").body("{}").post("/vision/frame_b64").then().statusCode(401);
        given().multiPart("file", "a.wav", new byte[44]).post("/v1/audio/transcriptions").then().statusCode(401);
        given().contentType("application/json").body("{\"messages\":[]}").post("/v1/chat/completions").then().statusCode(401)
                .body("error.code", equalTo("unauthorized"));
        // with a key the route answers for itself (no LLM in this profile)
        given().header("Authorization", APP).contentType("application/json").body("{\"messages\":[]}").post("/v1/chat/completions")
                .then().statusCode(503).body("error.code", equalTo("model_unavailable"));
        given().delete("/sessions/x").then().statusCode(401);
        given().header("Authorization", APP).get("/models").then().statusCode(200);
        given().header("Authorization", OPS).get("/sessions").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        // the try-it page loads without a key (it asks for one); the API it calls does not
        given().get("/").then().statusCode(200).contentType(containsString("text/html"));
        given().get("/try/app.js").then().statusCode(200);
        given().get("/tryx").then().statusCode(401);
    }

    /** The Gemini API takes the key as Google's clients send it, and refuses in Google's error shape. */
    @Test
    void theGeminiApiWantsAKeyAsGooglesClientsSendIt() {
        String body = "{\"contents\":[{\"parts\":[{\"text\":\"hola\"}]}]}";
        String path = "/v1beta/models/gemini-2.5-flash:generateContent";
        given().contentType("application/json").body(body).post(path).then().statusCode(401)
                .body("error.code", Matchers.equalTo(401)).body("error.status", Matchers.equalTo("UNAUTHENTICATED"));
        given().contentType("application/json").header("x-goog-api-key", "wrong").body(body).post(path).then().statusCode(403)
                .body("error.status", Matchers.equalTo("PERMISSION_DENIED"));
        // past the key check: this profile has no LLM, which is said in Google's shape too
        given().contentType("application/json").header("x-goog-api-key", "k1-secret-value").body(body).post(path).then().statusCode(503)
                .body("error.status", Matchers.equalTo("UNAVAILABLE"));
        given().contentType("application/json").queryParam("key", "k2-secret-value").body(body).post(path).then().statusCode(503);
        given().contentType("application/json").header("Authorization", "Bearer k1-secret-value").body(body).post(path).then().statusCode(503);
        // Gemini's model list on v1 (@google/genai with apiVersion 'v1') shares GET /v1/models with OpenAI's
        given().header("x-goog-api-key", "k1-secret-value").get("/v1/models").then().statusCode(200).body("models", Matchers.notNullValue());
        // past the key check (no LLM in this profile: the lookup says so in Google's shape)
        given().queryParam("key", "k2-secret-value").get("/v1/models/gemini-2.5-flash").then()
                .statusCode(Matchers.not(Matchers.oneOf(401, 403)));
        given().header("x-goog-api-key", "wrong").get("/v1/models").then().statusCode(403).body("error.status", Matchers.equalTo("PERMISSION_DENIED"));
        given().header("Authorization", "Bearer k1-secret-value").get("/v1/models").then().statusCode(200).body("object", Matchers.equalTo("list"));
        given().get("/v1/models").then().statusCode(401);
        // elsewhere the key still goes in Authorization only
        given().header("x-goog-api-key", "k1-secret-value").get("/sessions").then().statusCode(401);
    }

    @Test
    void theSocketWantsAKeyInTheHeaderOrTheQuery() throws Exception {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        try (WsClient ws = WsClient.connect(vertx, base)) {
            JsonObject err = ws.await("error", 10);
            assertEquals("unauthorized", err.getString("code"));
            assertEquals(1008, ws.awaitClose(10));
        }
        try (WsClient ws = WsClient.connect(vertx, base.resolve("?token=k1-secret-value"))) {
            ws.json(new JsonObject().put("type", "config").put("sample_rate", 16000));
            ws.await("config_ack", 10);
            // the same key may hold one socket (lma.auth.max-sessions-per-key=1)
            try (WsClient second = WsClient.connect(vertx, base.resolve("?token=k1-secret-value"))) {
                assertEquals("rate_limited", second.await("error", 10).getString("code"));
                assertEquals(1008, second.awaitClose(10));
            }
            // another key is not affected; a header works as well as the query
            WebSocketConnectOptions withHeader = new WebSocketConnectOptions().addHeader("Authorization", OPS);
            try (WsClient other = WsClient.connect(vertx, base, withHeader)) {
                other.json(new JsonObject().put("type", "config").put("sample_rate", 16000));
                other.await("config_ack", 10);
            }
        }
    }

    @Test
    void geminiLiveWantsAKeyAsGooglesClientsSendIt() throws Exception {
        String live = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";
        try (WsClient ws = WsClient.connect(base, live, new WebSocketConnectOptions())) {
            assertEquals(1008, ws.awaitClose(10));
            assertTrue(ws.closeReason().startsWith("UNAUTHENTICATED: an API key is required"), ws.closeReason());
        }
        try (WsClient ws = WsClient.connect(base, live + "?key=wrong", new WebSocketConnectOptions())) {
            assertEquals(1008, ws.awaitClose(10));
            assertTrue(ws.closeReason().startsWith("PERMISSION_DENIED: API key not valid"), ws.closeReason());
        }
        // a valid key (the query, as the SDK sends it, or x-goog-api-key) gets as far as the setup; no LLM is loaded here
        String setup = "{\"setup\":{\"model\":\"models/gemini-live-2.5-flash-preview\"}}";
        try (WsClient ws = WsClient.connect(base, live + "?key=k2-secret-value", new WebSocketConnectOptions())) {
            ws.text(setup);
            assertEquals(1013, ws.awaitClose(10));
            assertTrue(ws.closeReason().startsWith("UNAVAILABLE: no LLM is loaded"), ws.closeReason());
        }
        WebSocketConnectOptions googHeader = new WebSocketConnectOptions().addHeader("x-goog-api-key", "k2-secret-value");
        // the key may hold one socket: the one before gives its place back as it closes
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (WsClient ws = WsClient.connect(base, live, googHeader)) {
                try {
                    ws.text(setup);
                } catch (ExecutionException closedAtOnce) {
                    // refused before the setup: the close code and reason below say why
                }
                assertEquals(1013, ws.awaitClose(10));
                assertTrue(ws.closeReason().startsWith("UNAVAILABLE: no LLM is loaded"), ws.closeReason());
            }
        });
        try (WsClient ws = WsClient.connect(base, live.replace("v1beta", "v2"), googHeader)) {
            assertEquals(1008, ws.awaitClose(10));
            assertTrue(ws.closeReason().startsWith("NOT_FOUND: API version v2"), ws.closeReason());
        }
    }

    @Test
    void photosPerMinuteAreLimitedPerKey() throws Exception {
        String jpeg = Base64.getEncoder().encodeToString(Files.readAllBytes(SharedFiles.require("images/dog.jpg")));
        String body = new JsonObject().put("image_b64", jpeg).encode();
        int ok = 0;
        int limited = 0;
        for (int i = 0; i < 3; i++) {
            int status = given().header("Authorization", OPS).contentType("application/json").body(body).post("/vision/frame_b64")
                    .then().extract().statusCode();
            if (status == 429) {
                limited++;
            } else {
                assertEquals(200, status, "a photo within the budget is answered");
                ok++;
            }
        }
        assertEquals(1, limited, "the third photo within a minute is refused");
        given().header("Authorization", OPS).contentType("application/json").body(body).post("/vision/frame_b64").then()
                .statusCode(429).header("Retry-After", notNullValue()).body("error.code", equalTo("rate_limited"));
        // the other key has its own budget
        given().header("Authorization", APP).contentType("application/json").body(body).post("/vision/frame_b64").then()
                .statusCode(200);
        assertEquals(2, ok);
    }
}
