package io.localmodels.api.openai;

import io.localmodels.testing.Espeak;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that does not read its spoken answer holds one of lma.tts.max-streams until it goes:
 * the next one is told busy (instead of every slow client's answer piling up in memory), and the
 * slot comes back when the slow client disconnects.
 */
@QuarkusTest
@TestProfile(SpeechStreamsLimitTest.OneStream.class)
class SpeechStreamsLimitTest {

    public static class OneStream implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lma.tts.max-streams", "1", "lma.asr.model", "none", "lma.speakers.enabled", "false");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void aClientThatDoesNotReadHoldsItsStreamUntilItGoes() throws Exception {
        Espeak.requireLibrary();
        await().until(() -> given().get("/v1/audio/voices").then().extract().path("state").equals("ready"));
        // about 10 MB of audio: more than loopback's socket buffers hold, so the answer cannot be written out unread
        String text = "This answer is long and nobody reads it. ".repeat(97);
        String body = "{\"input\": \"" + text + "\", \"response_format\": \"pcm\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket slow = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = slow.getOutputStream();
            out.write(("POST /v1/audio/speech HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = slow.getInputStream();
            byte[] head = in.readNBytes(12);
            assertTrue(new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"), new String(head));
            // it reads nothing more. Its answer is synthesized in about a second; after that it waits unread in the
            // server's buffers, and its stream is still held (a slower machine only tests the earlier state)
            Thread.sleep(5000);
            given().contentType("application/json").body("{\"input\": \"next\"}").post("/v1/audio/speech").then()
                    .statusCode(503).header("Retry-After", "2").body("error.code", equalTo("busy"))
                    .body("error.message", containsString("lma.tts.max-streams"));
        }
        await().untilAsserted(() -> given().contentType("application/json").body("{\"input\": \"after the slow one left\"}")
                .post("/v1/audio/speech").then().statusCode(200));
    }
}
