package io.localmodels.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An OpenAI chat-completions server on loopback (JDK HttpServer). Each request is answered by the
 * next scripted reply, or by the default responder; every request body is recorded.
 */
public final class FakeChatServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** status, body, and a delay before answering. */
    public record Reply(int status, String body, long delayMillis) {
        public static Reply content(String content) {
            return new Reply(200, completion(content), 0);
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile Function<JsonNode, Reply> fallback = r -> Reply.content("{}");

    public FakeChatServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            JsonNode body;
            try {
                body = JSON.readTree(ex.getRequestBody());
            } catch (IOException e) {
                body = JSON.createObjectNode();
            }
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            requests.add(body);
            Reply reply = script.pollFirst();
            if (reply == null) {
                reply = fallback.apply(body);
            }
            if (reply.delayMillis() > 0) {
                try {
                    Thread.sleep(reply.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            try {
                ex.sendResponseHeaders(reply.status(), bytes.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            } catch (IOException e) {
                // the client gave up (timeout tests)
            }
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public FakeChatServer then(Reply reply) {
        script.addLast(reply);
        return this;
    }

    public void answerWith(Function<JsonNode, Reply> responder) {
        this.fallback = responder;
    }

    public List<JsonNode> requests() {
        return requests;
    }

    /** The Authorization header of each request ("null" when absent), in order. */
    public List<String> authorizations() {
        return authorizations;
    }

    public void reset() {
        script.clear();
        requests.clear();
        authorizations.clear();
    }

    public static String completion(String content) {
        var root = JSON.createObjectNode().put("id", "chatcmpl-test").put("object", "chat.completion");
        root.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                .putObject("message").put("role", "assistant").put("content", content);
        root.putObject("usage").put("prompt_tokens", 120).put("completion_tokens", 45);
        return root.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
