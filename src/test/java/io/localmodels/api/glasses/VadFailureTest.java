package io.localmodels.api.glasses;

import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.WsClient;
import io.localmodels.vad.SileroVad;
import io.localmodels.vad.VadBatcher;
import io.localmodels.vad.VadConfig;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A VAD call that fails in the middle of a stream (the inference thread stopped, ONNX Runtime threw)
 * ends the session with internal_error and its final document; the failure is never swallowed.
 */
@QuarkusTest
@TestProfile(VadFailureTest.FailingVad.class)
class VadFailureTest {

    public static class FailingVad implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(FailingVadBatcher.class);
        }
    }

    /** The real batcher until armed; then every call fails as a stopped VAD does. Only this test's profile enables it. */
    @Alternative
    @Singleton
    public static class FailingVadBatcher extends VadBatcher {
        static volatile boolean armed;

        public FailingVadBatcher(SileroVad vad, VadConfig config) {
            super(vad, config);
        }

        @Override
        public CompletionStage<float[]> score(SileroVad.State state, float[] windows, int count) {
            if (armed && count > 0) {
                return CompletableFuture.failedFuture(new IllegalStateException("the VAD stopped"));
            }
            return super.score(state, windows, count);
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @Test
    void aFailingVadEndsTheSessionWithInternalError() throws Exception {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(new JsonObject().put("type", "config").put("sample_rate", 16000));
            ws.await("config_ack", 10);
            ws.binary(new byte[3200]);
            ws.binary(new byte[3200]);
            Thread.sleep(300);
            FailingVadBatcher.armed = true;
            try {
                for (int i = 0; i < 10 && !ws.isClosed(); i++) {
                    ws.binary(new byte[3200]);
                    Thread.sleep(50);
                }
                JsonObject err = ws.await(m -> "internal_error".equals(m.getString("code")), 20, "internal_error");
                assertEquals(true, err.getBoolean("fatal"));
                assertTrue(err.getString("message").contains("the VAD stopped"), err.toString());
                assertEquals(1, ws.received("stream_ended").size(), ws.received().toString());
                assertEquals(1011, ws.awaitClose(10));
            } finally {
                FailingVadBatcher.armed = false;
            }
        }
    }
}
