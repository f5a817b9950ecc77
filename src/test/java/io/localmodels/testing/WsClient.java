package io.localmodels.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A WebSocket client for {@code /ws/audio} tests on the JDK's own client (an independent
 * implementation, and one that can cut a connection without a close handshake): sends text and
 * binary, collects every server message.
 */
public final class WsClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket socket;
    private final BlockingQueue<JsonObject> inbox;
    private final List<JsonObject> all = new ArrayList<>();
    /** How many messages of {@code all} await() has already looked at. */
    private int scanned;
    private final CompletableFuture<Short> closed;
    private Collector collector;

    public static WsClient connect(Vertx vertx, URI base) throws Exception {
        return connect(vertx, base, new WebSocketConnectOptions());
    }

    /** {@code base}'s query goes onto /ws/audio; {@code options} may carry headers. */
    public static WsClient connect(Vertx vertx, URI base, WebSocketConnectOptions options) throws Exception {
        return connect(base, "/ws/audio" + (base.getRawQuery() != null ? "?" + base.getRawQuery() : ""), options);
    }

    /** A socket at {@code pathAndQuery} of {@code base}'s server. */
    public static WsClient connect(URI base, String pathAndQuery, WebSocketConnectOptions options) throws Exception {
        URI uri = URI.create("ws://" + base.getHost() + ":" + base.getPort() + pathAndQuery);
        BlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
        CompletableFuture<Short> closed = new CompletableFuture<>();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder();
        if (options.getHeaders() != null) {
            for (Map.Entry<String, String> h : options.getHeaders()) {
                builder.header(h.getKey(), h.getValue());
            }
        }
        Collector collector = new Collector(inbox, closed);
        WebSocket ws = builder.buildAsync(uri, collector).get(10, TimeUnit.SECONDS);
        WsClient client = new WsClient(ws, inbox, closed);
        client.collector = collector;
        return client;
    }

    /** Joins text fragments and keeps asking for the next message; the close code ends it (1006 for a lost connection). */
    private static final class Collector implements WebSocket.Listener {
        private final BlockingQueue<JsonObject> inbox;
        private final CompletableFuture<Short> closed;
        private final StringBuilder text = new StringBuilder();
        volatile String closeReason;

        Collector(BlockingQueue<JsonObject> inbox, CompletableFuture<Short> closed) {
            this.inbox = inbox;
            this.closed = closed;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                inbox.add(new JsonObject(text.toString()));
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeReason = reason;
            closed.complete((short) statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete((short) 1006);
        }
    }

    private WsClient(WebSocket socket, BlockingQueue<JsonObject> inbox, CompletableFuture<Short> closed) {
        this.socket = socket;
        this.inbox = inbox;
        this.closed = closed;
    }

    public void text(String json) throws Exception {
        socket.sendText(json, true).get(10, TimeUnit.SECONDS);
    }

    public void json(JsonObject o) throws Exception {
        text(o.encode());
    }

    public void binary(byte[] data) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
    }

    /** The next message of {@code type}, skipping (but keeping) others. */
    public JsonObject await(String type, long seconds) throws Exception {
        return await(m -> type.equals(m.getString("type")), seconds, type);
    }

    public JsonObject await(Predicate<JsonObject> match, long seconds, String what) throws Exception {
        // Messages received() already moved out of the inbox come first.
        while (scanned < all.size()) {
            JsonObject m = all.get(scanned++);
            if (match.test(m)) {
                return m;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            JsonObject m = inbox.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no " + what + " within " + seconds + " s; received " + all);
            }
            all.add(m);
            scanned = all.size();
            if (match.test(m)) {
                return m;
            }
        }
    }

    /** Every message received so far, in order (including those still unread). */
    public List<JsonObject> received() {
        inbox.drainTo(all);
        return List.copyOf(all);
    }

    public List<JsonObject> received(String type) {
        return received().stream().filter(m -> type.equals(m.getString("type"))).toList();
    }

    /** Close code the server sent, waiting up to {@code seconds}. */
    public short awaitClose(long seconds) throws Exception {
        return closed.get(seconds, TimeUnit.SECONDS);
    }

    /** The reason the server gave with its close frame (after {@link #awaitClose}). */
    public String closeReason() {
        return collector.closeReason;
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Cuts the connection without a close handshake, as a phone losing its network would. */
    public void drop() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        socket.abort();
    }
}
