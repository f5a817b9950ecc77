package io.localmodels.api;

import io.localmodels.auth.ApiKeys;
import io.localmodels.auth.KeyLimits;
import io.localmodels.session.AudioConfig;
import io.localmodels.session.AudioSession;
import io.localmodels.session.AudioSessions;
import io.localmodels.session.SessionEvent;
import io.localmodels.session.SessionListener;
import io.localmodels.session.SessionOpenException;
import io.localmodels.session.StreamSettings;
import io.localmodels.vad.VadConfig;
import io.localmodels.vad.VadParameters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code /ws/audio}: the glasses app's audio stream (protocol in docs/protocol.md). Callbacks run on
 * the connection's event loop and only validate, copy and enqueue; decoding and the VAD run on
 * the session's pipeline.
 */
@WebSocket(path = "/ws/audio")
public class AudioSocket {

    private static final Logger LOG = Logger.getLogger(AudioSocket.class);

    private final AudioSessions sessions;
    private final AudioConfig config;
    private final VadParameters vadDefaults;
    private final MeterRegistry meters;
    private final Vertx vertx;
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();

    private final ApiKeys keys;
    private final KeyLimits limits;

    public AudioSocket(AudioSessions sessions, AudioConfig config, VadConfig vad, MeterRegistry meters, Vertx vertx, ApiKeys keys,
                       KeyLimits limits) {
        this.keys = keys;
        this.limits = limits;
        this.sessions = sessions;
        this.config = config;
        this.vadDefaults = VadParameters.from(vad);
        this.meters = meters;
        this.vertx = vertx;
    }

    /** One connection: its session once configured, and the listener the session talks to. */
    private final class Peer implements SessionListener {
        final WebSocketConnection connection;
        final boolean admitted;
        volatile String keyName;
        volatile AudioSession session;
        volatile boolean closing;
        /** Outbound operations run one after another, so a close never overtakes the message before it. */
        private CompletableFuture<Void> outbound = CompletableFuture.completedFuture(null);

        synchronized void then(Supplier<Uni<Void>> operation) {
            outbound = outbound.handle((ok, failure) -> null)
                    .thenCompose(ignored -> operation.get().subscribeAsCompletionStage())
                    .exceptionally(failure -> {
                        LOG.debugf("websocket %s: %s", connection.id(), failure.getMessage());
                        return null;
                    });
        }

        Peer(WebSocketConnection connection, boolean admitted) {
            this.connection = connection;
            this.admitted = admitted;
        }

        @Override
        public void deliver(SessionEvent event) {
            if (event instanceof SessionEvent.Error e) {
                sendError(this, e.code(), e.message(), e.fatal(), e.closeCode());
                return;
            }
            send(this, AudioProtocol.toJson(event));
        }

        @Override
        public void close(int code, String reason) {
            closeWith(this, code, reason);
        }
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketConnection connection) {
        String keyName = ApiKeys.ANONYMOUS;
        if (keys.enabled()) {
            String presented = ApiKeys.bearer(connection.handshakeRequest().header("Authorization"));
            if (presented == null) {
                presented = queryToken(connection.handshakeRequest().query());
            }
            var who = keys.identify(presented);
            if (who.isEmpty()) {
                Peer refused = new Peer(connection, false);
                peers.put(connection.id(), refused);
                sendError(refused, "unauthorized", presented == null
                        ? "an API key is required: Authorization: Bearer <key> on the upgrade, or ?token=<key>"
                        : "the API key is not valid", true, 1008);
                return;
            }
            keyName = who.get();
        }
        if (!limits.tryOpenSession(keyName)) {
            Peer refused = new Peer(connection, false);
            peers.put(connection.id(), refused);
            sendError(refused, "rate_limited", "this key already holds its lma.auth.max-sessions-per-key audio sessions", true, 1008);
            return;
        }
        boolean admitted = sessions.tryAcquireSocket();
        Peer peer = new Peer(connection, admitted);
        peer.keyName = keyName;
        peers.put(connection.id(), peer);
        if (!admitted) {
            sendError(peer, "busy", "the server has " + config.maxSessions()
                    + " audio sessions open (lma.audio.max-sessions); retry later", true, 1013);
            return;
        }
        long idleMs = config.idleTimeout().toMillis();
        vertx.setTimer(idleMs, t -> {
            if (peer.session == null && !peer.closing && connection.isOpen()) {
                sendError(peer, "idle_timeout", "no config within " + idleMs / 1000 + " s", true, 1000);
            }
        });
    }

    @OnTextMessage
    @NonBlocking
    void text(String message, WebSocketConnection connection) {
        Peer peer = accepting(connection, message.length());
        if (peer == null) {
            return;
        }
        AudioProtocol.ClientMessage msg;
        try {
            msg = AudioProtocol.parse(message);
        } catch (AudioProtocol.ProtocolError e) {
            sendError(peer, e.code, e.getMessage(), false, 0);
            return;
        }
        if (msg instanceof AudioProtocol.ClientMessage.Config c) {
            configure(peer, c);
        } else if (msg instanceof AudioProtocol.ClientMessage.AudioChunk chunk) {
            audio(peer, chunk.data(), chunk.chunkId());
        } else if (msg instanceof AudioProtocol.ClientMessage.EndOfStream) {
            AudioSession s = peer.session;
            if (s == null) {
                sendError(peer, "no_config", "end_of_stream before config", false, 0);
            } else {
                s.end();
            }
        }
    }

    @OnBinaryMessage
    @NonBlocking
    void binary(Buffer data, WebSocketConnection connection) {
        Peer peer = accepting(connection, data.length());
        if (peer != null) {
            audio(peer, data.getBytes(), null);
        }
    }

    /** The connection's peer if it may take a message of {@code length} bytes; null when it may not. */
    private Peer accepting(WebSocketConnection connection, int length) {
        Peer peer = peers.get(connection.id());
        if (peer == null || peer.closing) {
            return null;
        }
        if (length > config.maxFrameBytes()) {
            sendError(peer, "frame_too_large", "message of " + length + " bytes is over the " + config.maxFrameBytes()
                    + " byte limit (lma.audio.max-frame-bytes); it was dropped", false, 0);
            return null;
        }
        return peer;
    }

    @OnClose
    void close(WebSocketConnection connection) {
        Peer peer = peers.remove(connection.id());
        if (peer == null) {
            return;
        }
        if (peer.keyName != null) {
            limits.sessionClosed(peer.keyName);
        }
        if (peer.admitted) {
            sessions.releaseSocket();
        }
        AudioSession s = peer.session;
        if (s != null) {
            sessions.detach(s, peer);
        }
    }

    /** The {@code token} query parameter (browsers cannot set headers on a WebSocket). */
    static String queryToken(String query) {
        if (query == null) {
            return null;
        }
        for (String part : query.split("&")) {
            if (part.startsWith("token=")) {
                return java.net.URLDecoder.decode(part.substring(6), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private void configure(Peer peer, AudioProtocol.ClientMessage.Config c) {
        if (peer.session != null) {
            sendError(peer, "config_already_received", "this connection already has session " + peer.session.id()
                    + "; the second config was ignored", false, 0);
            return;
        }
        StreamSettings settings;
        try {
            settings = AudioProtocol.settings(c.body(), vadDefaults, config.defaultLanguage());
        } catch (AudioProtocol.ProtocolError e) {
            sendError(peer, e.code, e.getMessage(), false, 0);
            return;
        }
        try {
            peer.session = sessions.open(settings, peer);
        } catch (SessionOpenException e) {
            sendError(peer, e.code(), e.getMessage(), e.fatal(), e.closeCode());
        }
    }

    private void audio(Peer peer, byte[] bytes, Long chunkId) {
        AudioSession s = peer.session;
        if (s == null) {
            sendError(peer, "no_config", "audio before config; send a config message first (the audio was dropped)", false, 0);
            return;
        }
        if (bytes.length == 0) {
            sendError(peer, "empty_frame", "an audio message with no bytes was ignored", false, 0);
            return;
        }
        switch (s.offer(bytes, chunkId)) {
            case ACCEPTED, DUPLICATE -> { }
            case OVERLOADED -> sendError(peer, "overloaded", "the session's audio buffer (lma.audio.max-buffered-bytes="
                    + config.maxBufferedBytes() + ") is full; this frame was not accepted, send it again later", false, 0);
            case ENDED -> sendError(peer, "session_ended", "session " + s.id() + " has ended; audio was ignored", false, 0);
        }
    }

    private void send(Peer peer, String json) {
        peer.then(() -> peer.connection.sendText(json));
    }

    private void sendError(Peer peer, String code, String message, boolean fatal, int closeCode) {
        Counter.builder("lma.ws.errors").tag("code", code).description("Error messages sent on /ws/audio")
                .register(meters).increment();
        send(peer, AudioProtocol.error(code, message, fatal));
        if (fatal) {
            closeWith(peer, closeCode == 0 ? 1011 : closeCode, code);
        }
    }

    private void closeWith(Peer peer, int code, String reason) {
        peer.closing = true;
        peer.then(() -> peer.connection.close(new CloseReason(code, reason)));
    }
}
