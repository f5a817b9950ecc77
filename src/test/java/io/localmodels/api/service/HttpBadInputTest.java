package io.localmodels.api.service;

import io.localmodels.testing.SharedFiles;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad HTTP input found by black-box testing gets its documented 4xx JSON error, never a 500 or a misleading code. */
@QuarkusTest
class HttpBadInputTest {

    @TestHTTPResource("/")
    URI base;

    @ConfigProperty(name = "quarkus.http.idle-timeout")
    Duration idleTimeout;

    /** SocketFloodTest shows the mechanism with 2 s; what users get by default must bound a silent connection too. */
    @Test
    void byDefaultAConnectionThatSendsNothingIsClosedWithinMinutes() {
        assertTrue(idleTimeout.compareTo(Duration.ofMinutes(5)) <= 0, "quarkus.http.idle-timeout is " + idleTimeout
                + " (Quarkus' own default is 30 min): 1000 slowloris connections would be held that long");
    }

    @Test
    void aMultipartBodyWithoutItsClosingBoundaryIsA400() throws Exception {
        String head = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n";
        byte[] body = (head + "\u00ff\u00d8\u00ff not the end").getBytes(StandardCharsets.ISO_8859_1);
        String response = raw("POST /vision/frame HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n", body);
        assertTrue(response.startsWith("HTTP/1.1 400"), response);
        assertTrue(response.contains("\"error\"") && response.contains("\"code\""), response);
    }

    /** One request on a plain socket, answered in full (the server closes). */
    String raw(String head, byte[] body) throws Exception {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException | SocketException e) {
                // what arrived is the answer
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"!!!!", "_-8A", " /9j/", "/9j/ 4AAQ", "data:image/jpeg,/9j/"})
    void invalidBase64IsInvalidBase64(String b64) {
        given().contentType(ContentType.JSON).body(Map.of("image_b64", b64)).post("/vision/frame_b64").then()
                .statusCode(400).body("error.code", equalTo("invalid_base64"));
    }

    @Test
    void anUpperCaseDataUrlSchemeIsADataUrl() throws Exception {
        SharedFiles.require("models/yolox-nano/yolox_nano.onnx");
        String jpeg = Base64.getEncoder().encodeToString(Files.readAllBytes(SharedFiles.require("images/dog.jpg")));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        given().contentType(ContentType.JSON).body(Map.of("image_b64", "DATA:image/jpeg;BASE64," + jpeg)).post("/vision/frame_b64")
                .then().statusCode(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "a/b", "x y", "é"})
    void aVisionSessionIdOutsideTheDocumentedFormIsA400(String id) {
        given().contentType(ContentType.JSON).body(Map.of("session_id", id, "image_b64", "AAAA")).post("/vision/frame_b64").then()
                .statusCode(400).body("error.code", equalTo("invalid_session_id"));
        given().multiPart("file", "a.jpg", new byte[] {1, 2}, "image/jpeg").multiPart("session_id", id).post("/vision/frame").then()
                .statusCode(400).body("error.code", equalTo("invalid_session_id"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1.5", "99999999999999999999", "0", "501", "-3"})
    void aSessionsLimitThatIsNotAnIntegerFrom1To500IsA400(String limit) {
        given().queryParam("limit", limit).get("/sessions").then().statusCode(400)
                .body("error.code", equalTo("invalid_request")).body("error.message", containsString("limit"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "{\"image_b64\": {}}", "{\"image_b64\": \"AAAA\", \"metadata\": []}", "{\"image_b64\": \"AAAA\", \"metadata\": 7}",
            "\"text\""})
    void jsonOfTheWrongShapeIsExplainedWithoutJavaNames(String body) {
        given().contentType(ContentType.JSON).body(body).post("/vision/frame_b64").then().statusCode(400)
                .body("error.code", equalTo("malformed_json"))
                .body("error.message", not(matchesPattern("(?s).*(java\\.|\\$|Feature|LinkedHashMap|io\\.localmodels|JsonToken|`).*")));
    }

    @Test
    void aLongPromptInAMultipartFormIsAccepted() throws Exception {
        SharedFiles.require("models/yolox-nano/yolox_nano.onnx");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        given().multiPart("file", SharedFiles.require("images/dog.jpg").toFile(), "image/jpeg").multiPart("prompt", "¿".repeat(3000))
                .post("/vision/frame").then().statusCode(200);
    }

    @Test
    void multipartBodiesCutOffAreNotServerErrors() throws Exception {
        String head = "--B\r\nContent-Disposition: form-data; name=\"session_id\"\r\n\r\nabc";
        byte[] body = head.getBytes(StandardCharsets.US_ASCII);
        String response = raw("POST /vision/frame HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n", body);
        assertTrue(response.startsWith("HTTP/1.1 400"), response);
    }
}
