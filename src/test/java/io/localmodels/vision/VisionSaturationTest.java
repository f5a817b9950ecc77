package io.localmodels.vision;

import io.localmodels.testing.SharedFiles;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One vision worker, two queue slots: excess frames get 503 at once; a session's stale frames are superseded. */
@QuarkusTest
@TestProfile(VisionSaturationTest.Small.class)
class VisionSaturationTest {

    public static class Small implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lma.vision.workers", "1", "lma.vision.queue-size", "2");
        }
    }

    @TestHTTPResource("/vision/frame_b64")
    URI endpoint;

    String body(String sessionId) throws Exception {
        String b64 = Base64.getEncoder().encodeToString(Files.readAllBytes(SharedFiles.require("images/dog.jpg")));
        return sessionId == null ? "{\"image_b64\":\"" + b64 + "\"}"
                : "{\"session_id\":\"" + sessionId + "\",\"image_b64\":\"" + b64 + "\"}";
    }

    @BeforeEach
    void ready() {
        SharedFiles.require("models/yolox-nano/yolox_nano.onnx");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'model:yolox-nano' }.data.state", equalTo("loaded")));
    }

    List<HttpResponse<String>> burst(List<String> bodies) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (String b : bodies) {
            calls.add(client.sendAsync(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(b)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> out = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            out.add(c.get(30, TimeUnit.SECONDS));
        }
        return out;
    }

    @Test
    void moreFramesThanWorkersAndQueueGet503Quickly() throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            bodies.add(body(null));
        }
        List<HttpResponse<String>> responses = burst(bodies);  // every request has a 30 s timeout: a hang fails it
        long ok = responses.stream().filter(r -> r.statusCode() == 200).count();
        List<HttpResponse<String>> busy = responses.stream().filter(r -> r.statusCode() == 503).toList();
        assertEquals(16, ok + busy.size(), "only 200 and 503: " + responses.stream().map(HttpResponse::statusCode).toList());
        assertTrue(ok >= 1, "some frames are analysed");
        assertTrue(!busy.isEmpty(), "the excess is refused");
        for (HttpResponse<String> r : busy) {
            assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
            assertTrue(r.body().contains("\"code\":\"busy\""), r.body());
        }
        given().get("/q/metrics").then().body(containsString("lma_vision_rejected_total{reason=\"queue_full\"}"))
                .body(containsString("lma_vision_queue_depth"))
                .body(containsString("lma_vision_seconds_count{stage=\"detect\"}"));
    }

    @Test
    void olderQueuedFramesOfASessionAreSuperseded() throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            bodies.add(body("glasses-1"));
        }
        List<HttpResponse<String>> responses = burst(bodies);
        long superseded = responses.stream().filter(r -> r.statusCode() == 200 && r.body().contains("\"status\":\"superseded\"")).count();
        long analysed = responses.stream().filter(r -> r.statusCode() == 200 && r.body().contains("\"status\":\"ok\"")).count();
        assertEquals(6, superseded + analysed, responses.stream().map(HttpResponse::body).map(b -> b.substring(0, Math.min(120, b.length()))).toList().toString());
        assertTrue(superseded >= 1, "a newer frame replaced a waiting one");
        assertTrue(analysed >= 1);
        given().get("/q/metrics").then().body(containsString("lma_vision_superseded_total"));
    }
}
