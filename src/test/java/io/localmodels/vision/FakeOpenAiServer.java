package io.localmodels.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI chat-completions server on loopback (JDK HttpServer) whose answer the test chooses:
 * plain text, JSON with risks, HTTP 500, a stall past the client's timeout, or a body that is not JSON.
 * Records every request it receives.
 */
public class FakeOpenAiServer implements QuarkusTestResourceLifecycleManager {

    enum Mode { TEXT, JSON_RISKS, ERROR_500, STALL, MALFORMED }

    static volatile Mode mode = Mode.TEXT;
    static volatile String text = "Un perro junto a una bicicleta.";
    static final CopyOnWriteArrayList<JsonNode> requests = new CopyOnWriteArrayList<>();
    static final CopyOnWriteArrayList<String> authorizations = new CopyOnWriteArrayList<>();
    static final AtomicInteger calls = new AtomicInteger();
    static final String KEY = "sk-test-4f9a21";

    private HttpServer server;

    /** Back to a plain-text answer with nothing recorded: each test starts from here, whatever ran before. */
    static void reset() {
        mode = Mode.TEXT;
        requests.clear();
        authorizations.clear();
        calls.set(0);
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ObjectMapper json = new ObjectMapper();
        server.createContext("/v1/chat/completions", ex -> {
            calls.incrementAndGet();
            requests.add(json.readTree(ex.getRequestBody()));
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            String body;
            int status = 200;
            switch (mode) {
                case ERROR_500 -> {
                    status = 500;
                    body = "{\"error\":{\"message\":\"model crashed\"}}";
                }
                case STALL -> {
                    try {
                        Thread.sleep(3000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    body = completion("too late");
                }
                case MALFORMED -> body = "{\"choices\": [ this is not json";
                case JSON_RISKS -> body = completion("{\"description\": \"Un cuchillo sobre la mesa.\", \"risks\": "
                        + "[{\"level\": \"high\", \"message\": \"Cuchillo al alcance.\", \"reason\": \"filo expuesto\"}]}");
                default -> body = completion(text);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            } catch (IOException e) {
                // the client gave up (timeout test)
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        return Map.of("lma.vision.vlm.base-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
                "lma.vision.vlm.model", "qwen2.5vl-test",
                "lma.vision.vlm.api-key", KEY,
                "lma.vision.vlm.timeout", "1s",
                "lma.vision.vlm.failure-threshold", "2",
                "lma.vision.vlm.open-duration", "2s");
    }

    static String completion(String content) {
        return new ObjectMapper().createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
                .set("choices", new ObjectMapper().createArrayNode().add(new ObjectMapper().createObjectNode()
                        .put("index", 0).put("finish_reason", "stop")
                        .set("message", new ObjectMapper().createObjectNode().put("role", "assistant").put("content", content))))
                .toString();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
