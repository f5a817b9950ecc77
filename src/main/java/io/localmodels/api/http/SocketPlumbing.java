package io.localmodels.api.http;

import io.netty.channel.ChannelException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.VertxException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** What the service's WebSocket endpoints share: ordered sends, reading the handshake's query, sorting transport failures. */
public final class SocketPlumbing {

    private static final Logger LOG = Logger.getLogger(SocketPlumbing.class);

    private SocketPlumbing() {
    }

    /** A connection's outbound operations, run one after another, so that a close never overtakes the message before it. */
    public static final class Outbound {
        private final String connectionId;
        private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

        public Outbound(String connectionId) {
            this.connectionId = connectionId;
        }

        public synchronized void then(Supplier<Uni<Void>> operation) {
            tail = tail.handle((ok, failure) -> null)
                    .thenCompose(ignored -> operation.get().subscribeAsCompletionStage())
                    .exceptionally(failure -> {
                        LOG.debugf("websocket %s: %s", connectionId, failure.getMessage());
                        return null;
                    });
        }
    }

    /** A query parameter of the handshake (browsers cannot set headers on a WebSocket, so keys come this way too). */
    public static String queryParam(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String part : query.split("&")) {
            if (part.startsWith(name + "=")) {
                return URLDecoder.decode(part.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** A message over the WebSocket layer's hard limits (quarkus.websockets-next.server.max-message-size). */
    public static boolean tooLarge(Throwable failure) {
        String text = String.valueOf(failure.getMessage());
        return failure instanceof CorruptedWebSocketFrameException
                || text.contains("max message size") || text.contains("Max frame length");
    }

    /** The network dropped the connection: routine, not a server error. */
    public static boolean lost(Throwable failure) {
        return failure instanceof IOException || failure instanceof ChannelException
                || failure instanceof VertxException && String.valueOf(failure.getMessage()).contains("closed");
    }
}
