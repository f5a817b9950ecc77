package io.localmodels.api.http;

import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * lma.http.header-timeout (2 s here), over raw sockets: a client that dribbles header lines, or sends
 * nothing, is closed once the deadline passes; the time a body takes, idle keep-alive time between
 * requests and an open WebSocket are not held against it.
 */
@QuarkusTest
@TestProfile(HeaderDeadlineTest.TwoSeconds.class)
class HeaderDeadlineTest {

    public static class TwoSeconds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lma.http.header-timeout", "2s");
        }
    }

    @TestHTTPResource("/")
    URI base;

    private Socket open() throws IOException {
        Socket s = new Socket(base.getHost(), base.getPort());
        s.setSoTimeout(15_000);
        return s;
    }

    /** Reads until the server closes (true) or {@code withinMillis} pass with the socket still open (false). */
    private static boolean closedWithin(Socket s, long withinMillis) throws IOException {
        s.setSoTimeout((int) withinMillis);
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (true) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** One header line every 500 ms, for up to 10 s: true when the server closed the connection meanwhile. */
    private static boolean dribbledUntilClosed(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        for (int i = 0; i < 20; i++) {
            try {
                out.write(("X-Slow-" + i + ": y\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                return true;
            }
            if (closedWithin(s, 500)) {
                return true;
            }
        }
        return false;
    }

    private static String statusLine(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString().strip();
    }

    @Test
    void aClientDribblingHeaderLinesIsClosedAtTheDeadline() throws Exception {
        double before = metric();
        try (Socket s = open()) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /q/health/live HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.US_ASCII));
            long t0 = System.nanoTime();
            boolean closed = dribbledUntilClosed(s);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(closed, "the connection was still open after 10 s of header lines");
            assertTrue(seconds < 8, "closed only after " + seconds + " s");
        }
        assertTrue(metric() >= before + 1, "counted in lma_http_header_timeouts_total");
    }

    @Test
    void aLaterRequestOnAKeptAliveConnectionHasTheSameDeadline() throws Exception {
        try (Socket s = open()) {
            OutputStream out = s.getOutputStream();
            out.write("GET /q/health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("HTTP/1.1 200 OK", statusLine(s));
            drainHeadersAndBody(s);
            out.write("GET /q/health/live HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(dribbledUntilClosed(s), "the second request's head was dribbled for 10 s and the connection stayed open");
        }
    }

    @Test
    void aClientThatSendsNothingIsClosedAtTheDeadline() throws Exception {
        try (Socket s = open()) {
            assertTrue(closedWithin(s, 8_000), "a silent connection was still open after 8 s");
        }
    }

    @Test
    void aSlowBodyAndIdleKeepAliveTimeAreNotHeldAgainstTheClient() throws Exception {
        try (Socket s = open()) {
            OutputStream out = s.getOutputStream();
            String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"hola\"}], \"max_tokens\": \"not a number\"}";
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] b = body.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < b.length; i += 10) {      // the body over ~4 s: twice the deadline
                out.write(b, i, Math.min(10, b.length - i));
                out.flush();
                Thread.sleep(4000L * 10 / b.length);
            }
            String first = statusLine(s);
            assertTrue(first.matches("HTTP/1.1 [1-5][0-9][0-9] .*"), "the slow body got its answer, not a closed connection: " + first);
            drainHeadersAndBody(s);
            Thread.sleep(3_000);                            // idle between two requests, past the deadline
            out.write("GET /q/health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("HTTP/1.1 200 OK", statusLine(s), "the kept-alive connection still served a request");
        }
    }

    @Test
    void anOpenWebSocketOutlivesTheDeadline() throws Exception {
        try (WsClient ws = WsClient.connect(base, "/ws/audio", new WebSocketConnectOptions())) {
            ws.json(new JsonObject().put("type", "config").put("sample_rate", 16000).put("encoding", "pcm16"));
            ws.await("config_ack", 30);
            Thread.sleep(3_500);                         // silent past the deadline
            for (int i = 0; i < 50; i++) {               // then 5 s of (silent) audio, a frame every 100 ms
                ws.binary(new byte[3200]);
                Thread.sleep(100);
            }
            ws.json(new JsonObject().put("type", "end_of_stream"));
            ws.await("stream_ended", 30);
        }
    }

    /** Skips the rest of a response with Content-Length (the error answers have one). */
    private static void drainHeadersAndBody(Socket s) throws IOException {
        int length = 0;
        String line;
        while (!(line = statusLine(s)).isEmpty()) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        s.getInputStream().readNBytes(length);
    }

    private static double metric() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> l.startsWith("lma_http_header_timeouts_total")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
