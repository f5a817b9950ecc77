package io.localmodels.vision;

import com.fasterxml.jackson.databind.JsonNode;
import io.localmodels.testing.SharedFiles;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The VLM engine against an OpenAI-format server on loopback: request shape, answers, failures, fallback, breaker. */
@QuarkusTest
@TestProfile(VlmEngineTest.WithVlm.class)
@QuarkusTestResource(value = FakeOpenAiServer.class, restrictToAnnotatedClass = true)
class VlmEngineTest {

    /** Own profile, so the fake server's config does not leak into other tests' application. */
    public static class WithVlm implements QuarkusTestProfile {
    }

    @Inject
    VlmEngine vlm;

    @BeforeEach
    void ready() {
        // no test depends on another: the fake server and the breaker start fresh each time
        FakeOpenAiServer.reset();
        vlm.resetBreaker();
        vlm.useClock(System::nanoTime);
        SharedFiles.require("models/yolox-nano/yolox_nano.onnx");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'model:yolox-nano' }.data.state", equalTo("loaded")));
    }

    static JsonPath post(String language) throws Exception {
        Path dog = SharedFiles.require("images/dog.jpg");
        var req = given().multiPart("file", dog.toFile(), "image/jpeg");
        if (language != null) {
            req = req.multiPart("language", language);
        }
        return req.post("/vision/frame").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void successSendsTheImageAsADataUrlWithTheSpanishPrompt() throws Exception {
        FakeOpenAiServer.mode = FakeOpenAiServer.Mode.TEXT;
        FakeOpenAiServer.server.requests().clear();
        JsonPath r = post(null);
        assertEquals(FakeOpenAiServer.TEXT, r.getString("description"));
        assertEquals("vlm", r.getString("models.description"));
        assertEquals("qwen2.5vl-test", r.getString("models.vlm"));
        assertTrue(r.getList("objects").size() >= 3, "detections are still returned");

        JsonNode req = FakeOpenAiServer.server.requests().get(0);
        assertEquals("qwen2.5vl-test", req.path("model").asText());
        JsonNode content = req.path("messages").path(0).path("content");
        assertEquals("user", req.path("messages").path(0).path("role").asText());
        String url = content.path(0).path("image_url").path("url").asText();
        assertTrue(url.startsWith("data:image/jpeg;base64,"), url.substring(0, 40));
        assertArrayEquals(Files.readAllBytes(SharedFiles.path("images/dog.jpg")),
                Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1)));
        String prompt = content.path(1).path("text").asText();
        assertTrue(prompt.startsWith("Actúa como asistente visual experto.") && prompt.contains("Responde en español"), prompt);
        assertEquals("Bearer " + FakeOpenAiServer.KEY, FakeOpenAiServer.server.authorizations().get(0));
        given().get("/q/health/ready").then().body("checks.find { it.name == 'vlm' }.data.state", equalTo("ok"));
    }

    @Test
    void englishRequestsGetTheEnglishPrompt() throws Exception {
        FakeOpenAiServer.mode = FakeOpenAiServer.Mode.TEXT;
        FakeOpenAiServer.server.requests().clear();
        post("en");
        String prompt = FakeOpenAiServer.server.requests().get(0).path("messages").path(0).path("content").path(1).path("text").asText();
        assertTrue(prompt.startsWith("Act as an expert visual assistant.") && prompt.contains("Answer in English"), prompt);
    }

    @Test
    void jsonAnswersMergeTheirRisks() throws Exception {
        FakeOpenAiServer.mode = FakeOpenAiServer.Mode.JSON_RISKS;
        JsonPath r = post(null);
        assertEquals("Un cuchillo sobre la mesa.", r.getString("description"));
        assertTrue(r.getList("risks.message").contains("Cuchillo al alcance."), r.getList("risks").toString());
        assertTrue(r.getList("risks.reason").contains("vlm: filo expuesto"));
    }

    @Test
    void serverErrorTimeoutAndMalformedAnswersFallBackAndTheBreakerOpens() throws Exception {
        for (FakeOpenAiServer.Mode m : new FakeOpenAiServer.Mode[] {FakeOpenAiServer.Mode.ERROR_500,
                FakeOpenAiServer.Mode.MALFORMED}) {
            FakeOpenAiServer.mode = m;
            JsonPath r = post(null);
            assertTrue(r.getString("description").startsWith("Hay "), m + ": template description, got " + r.getString("description"));
            assertEquals("template", r.getString("models.description"));
            assertTrue(r.getString("models.vlm").startsWith("unavailable"), r.getString("models.vlm"));
        }
        // Two failures in a row (threshold 2): the circuit is open, the server is not called.
        int before = FakeOpenAiServer.server.requests().size();
        assertEquals(2, before);
        FakeOpenAiServer.mode = FakeOpenAiServer.Mode.TEXT;
        JsonPath skipped = post(null);
        assertEquals(before, FakeOpenAiServer.server.requests().size(), "open circuit: no call");
        assertEquals("template", skipped.getString("models.description"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'vlm' }.data.state", equalTo("degraded"));

        // After open-duration (2 s) one trial call goes through and closes the circuit: the breaker's clock
        // is moved past it instead of waiting
        AtomicLong now = new AtomicLong(System.nanoTime());
        vlm.useClock(now::get);
        assertEquals("template", post(null).getString("models.description"), "still open");
        now.addAndGet(Duration.ofSeconds(2).toNanos() + 1);
        JsonPath back = post(null);
        assertEquals("vlm", back.getString("models.description"));
        given().get("/q/health/ready").then().body("checks.find { it.name == 'vlm' }.data.state", equalTo("ok"));
    }

    @Test
    void stalledServerTimesOut() throws Exception {
        FakeOpenAiServer.mode = FakeOpenAiServer.Mode.STALL;
        JsonPath r = post(null);
        // the stalled server would answer after 3 s: "timeout" in the answer is the 1 s timeout firing
        assertTrue(r.getString("models.vlm").contains("timeout"), r.getString("models.vlm"));
        FakeOpenAiServer.mode = FakeOpenAiServer.Mode.TEXT;
    }

    @Test
    void credentialsNeverReachTheLogs() throws Exception {
        assertEquals("http://host:8000/v1", VlmEngine.redact(URI.create("http://user:secret@host:8000/v1?key=abc")));
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(new SimpleFormatter().formatMessage(r) + (r.getThrown() == null ? "" : " " + r.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(VlmEngine.class.getName());
        log.addHandler(capture);
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try {
            Map<String, Object> values = Map.of(
                    "baseUrl", Optional.of(URI.create("http://user:s3cret-pass@127.0.0.1:" + closed + "/v1?key=q-key-123")),
                    "model", "m", "apiKey", Optional.of("sk-never-logged"), "timeout", Duration.ofSeconds(1),
                    "maxTokens", 16, "failureThreshold", 2, "openDuration", Duration.ofSeconds(30));
            VlmConfig config = (VlmConfig) Proxy.newProxyInstance(VlmConfig.class.getClassLoader(),
                    new Class<?>[]{VlmConfig.class}, (proxy, method, args) -> values.get(method.getName()));
            VlmEngine engine = new VlmEngine(config);   // logs where it talks to
            byte[] jpeg = Files.readAllBytes(SharedFiles.require("images/dog.jpg"));
            engine.describe(jpeg, "image/jpeg", "es", null);   // fails: logged
            engine.describe(jpeg, "image/jpeg", "es", null);   // fails again: the breaker opens, logged
        } finally {
            log.removeHandler(capture);
        }
        assertTrue(logged.size() >= 3, "the start-up line and both failures were captured: " + logged);
        for (String line : logged) {
            assertFalse(line.contains("s3cret-pass") || line.contains("q-key-123") || line.contains("sk-never-logged")
                    || line.contains("user:"), "a credential in the log: " + line);
        }
    }
}
