package io.localmodels.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket client for {@code /ws/audio} tests: sends text and binary, collects every server message. */
public final class WsClient implements AutoCloseable {

    private final WebSocketClient client;
    private final WebSocket socket;
    private final BlockingQueue<JsonObject> inbox;
    private final List<JsonObject> all = new ArrayList<>();
    /** How many messages of {@code all} await() has already looked at. */
    private int scanned;
    private final CompletableFuture<Short> closed;

    public static WsClient connect(Vertx vertx, URI base) throws Exception {
        return connect(vertx, base, new WebSocketConnectOptions());
    }

    /** {@code base}'s query goes onto /ws/audio; {@code options} may carry headers. */
    public static WsClient connect(Vertx vertx, URI base, WebSocketConnectOptions options) throws Exception {
        WebSocketClient client = vertx.createWebSocketClient();
        WebSocketConnectOptions o = options.setHost(base.getHost()).setPort(base.getPort())
                .setURI("/ws/audio" + (base.getRawQuery() != null ? "?" + base.getRawQuery() : ""));
        // Handlers go on inside the connect callback, on the event loop that delivers frames, so a
        // server that answers at once (busy, then close) cannot beat them.
        BlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
        CompletableFuture<Short> closed = new CompletableFuture<>();
        WebSocket ws = client.connect(o).map(socket -> {
            socket.textMessageHandler(t -> inbox.add(new JsonObject(t)));
            socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
            return socket;
        }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        WsClient c = new WsClient(client, ws, inbox, closed);
        return c;
    }

    private WsClient(WebSocketClient client, WebSocket socket, BlockingQueue<JsonObject> inbox,
                     CompletableFuture<Short> closed) {
        this.client = client;
        this.socket = socket;
        this.inbox = inbox;
        this.closed = closed;
    }

    public void text(String json) throws Exception {
        socket.writeTextMessage(json).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public void json(JsonObject o) throws Exception {
        text(o.encode());
    }

    public void binary(byte[] data) throws Exception {
        socket.writeBinaryMessage(Buffer.buffer(data)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
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

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Drops the connection without a close handshake, as a phone losing its network would. */
    public void drop() {
        socket.close((short) 4000, "drop");
    }

    @Override
    public void close() {
        if (!socket.isClosed()) {
            socket.close();
        }
        client.close();
    }
}
