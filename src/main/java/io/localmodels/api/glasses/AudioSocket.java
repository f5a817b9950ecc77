package io.localmodels.api.glasses;

import io.localmodels.api.http.SocketPlumbing;
import io.localmodels.auth.ApiKeys;
import io.localmodels.auth.KeyLimits;
import io.localmodels.session.AudioConfig;
import io.localmodels.session.AudioSession;
import io.localmodels.session.AudioSessions;
import io.localmodels.session.FrameAdmission;
import io.localmodels.session.SessionOpenException;
import io.localmodels.session.StreamSettings;
import io.localmodels.vad.VadConfig;
import io.localmodels.vad.VadParameters;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

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
    private final Map<String, AudioPeer> peers = new ConcurrentHashMap<>();

    private final ApiKeys keys;
    private final KeyLimits limits;
    private final PendingSockets pending;
    private final int maxMessageBytes;

    public AudioSocket(AudioSessions sessions, AudioConfig config, VadConfig vad, MeterRegistry meters, Vertx vertx, ApiKeys keys,
                       KeyLimits limits,
                       @ConfigProperty(name = "quarkus.websockets-next.server.max-message-size")
                       int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.pending = new PendingSockets(config.maxPendingSockets(), config.maxPendingSocketsPerAddress(),
                TimeUnit.SECONDS.toNanos(1), System::nanoTime);
        this.keys = keys;
        this.limits = limits;
        this.sessions = sessions;
        this.config = config;
        this.vadDefaults = VadParameters.from(vad);
        this.meters = meters;
        this.vertx = vertx;
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
                AudioPeer refused = new AudioPeer(connection, meters);
                peers.put(connection.id(), refused);
                refused.sendError("unauthorized", presented == null
                        ? "an API key is required: Authorization: Bearer <key> on the upgrade, or ?token=<key>"
                        : "the API key is not valid", true, 1008);
                return;
            }
            keyName = who.get();
        }
        if (!limits.tryOpenSession(keyName)) {
            AudioPeer refused = new AudioPeer(connection, meters);
            peers.put(connection.id(), refused);
            refused.sendError("rate_limited", "this key already holds its lma.auth.max-sessions-per-key audio sessions", true, 1008);
            return;
        }
        AudioPeer peer = new AudioPeer(connection, meters);
        peer.keyName = keyName;
        peers.put(connection.id(), peer);
        String evicted = pending.admit(connection.id(), PendingSockets.host(connection.handshakeRequest().remoteAddress()));
        if (evicted != null && peers.get(evicted) != null) {
            peers.get(evicted).sendError("config_timeout", "closed to make room: too many sockets from this address (or in all)"
                    + " are waiting without a config (lma.audio.max-pending-sockets-per-address, lma.audio.max-pending-sockets)",
                    true, 1008);
        }
        long deadlineMs = config.configTimeout().toMillis();
        vertx.setTimer(deadlineMs, t -> {
            pending.remove(connection.id());
            if (peer.session == null && !peer.configuring && !peer.closing && connection.isOpen()) {
                peer.sendError("config_timeout", "no config within " + deadlineMs + " ms (lma.audio.config-timeout)", true, 1008);
            }
        });
    }

    /**
     * Runs on a worker thread (config may read the session store); websockets-next still delivers a
     * connection's messages one at a time, so audio sent right after a config waits for it.
     */
    @OnTextMessage
    void text(String message, WebSocketConnection connection) {
        AudioPeer peer = accepting(connection, message.length());
        if (peer == null) {
            return;
        }
        // Vert.x hands text over decoded, with bytes that were not UTF-8 replaced by U+FFFD; nothing in
        // this protocol contains that character, so its presence is taken as the invalid text it stands for.
        if (message.indexOf('\uFFFD') >= 0) {
            peer.sendError("invalid_utf8", "a text message that is not valid UTF-8 (RFC 6455 requires it; U+FFFD counts as"
                    + " invalid here); the connection is closed and the session can be resumed", true, 1007);
            return;
        }
        AudioProtocol.ClientMessage msg;
        try {
            msg = AudioProtocol.parse(message);
        } catch (AudioProtocol.ProtocolError e) {
            peer.sendError(e.code, e.getMessage(), false, 0);
            return;
        }
        if (msg instanceof AudioProtocol.ClientMessage.Config c) {
            configure(peer, c);
        } else if (msg instanceof AudioProtocol.ClientMessage.AudioChunk chunk) {
            audio(peer, chunk.data(), chunk.chunkId());
        } else if (msg instanceof AudioProtocol.ClientMessage.EndOfStream) {
            AudioSession s = peer.session;
            if (s == null) {
                peer.sendError("no_config", "end_of_stream before config", false, 0);
                return;
            }
            FrameAdmission.Position gap = s.end();
            if (gap != null) {
                peer.sendPositioned("overloaded", "end_of_stream was not taken: audio from byte " + gap.receivedBytes()
                        + " on was refused, and a session never ends with a hole; continue from there, then send end_of_stream", gap);
            }
        } else if (msg instanceof AudioProtocol.ClientMessage.ResumeAudio r) {
            AudioSession s = peer.session;
            if (s == null) {
                peer.sendError("no_config", "resume_audio before config", false, 0);
                return;
            }
            FrameAdmission.Position at = s.resumeAudio(r.receivedBytes());
            if (at != null) {
                peer.sendPositioned("resume_mismatch", "resume_audio named byte " + r.receivedBytes()
                        + ", beyond the end of the session's audio at byte " + at.receivedBytes() + " (that would leave a hole); audio is"
                        + " refused until resume_audio names that offset", at);
            }
        }
    }

    @OnBinaryMessage
    @NonBlocking
    void binary(Buffer data, WebSocketConnection connection) {
        AudioPeer peer = accepting(connection, data.length());
        if (peer != null) {
            audio(peer, data.getBytes(), null);
        }
    }

    /** The connection's peer if it may take a message of {@code length} bytes; null when it may not. */
    private AudioPeer accepting(WebSocketConnection connection, int length) {
        AudioPeer peer = peers.get(connection.id());
        if (peer == null || peer.closing) {
            return null;
        }
        // it has spoken: no longer a silent socket (until it has a session, the config deadline still holds)
        pending.remove(connection.id());
        if (length > maxMessageBytes) {
            peer.sendError("message_too_large", "a message of " + length + " bytes is over the WebSocket layer's " + maxMessageBytes
                    + " byte limit; the connection is closed and the session can be resumed", true, 1009);
            return null;
        }
        if (length > config.maxFrameBytes()) {
            peer.sendError("frame_too_large", "message of " + length + " bytes is over the " + config.maxFrameBytes()
                    + " byte limit (lma.audio.max-frame-bytes); it was dropped", false, 0);
            return null;
        }
        return peer;
    }

    @OnClose
    void close(WebSocketConnection connection) {
        pending.remove(connection.id());
        AudioPeer peer = peers.remove(connection.id());
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

    /**
     * Failures of the transport itself. A message over the WebSocket layer's hard limits gets an error
     * and close 1009 (the session stays resumable); a connection the network dropped is routine, not
     * a server error.
     */
    @OnError
    void failure(Throwable failure, WebSocketConnection connection) {
        AudioPeer peer = peers.get(connection.id());
        String text = String.valueOf(failure.getMessage());
        if (SocketPlumbing.tooLarge(failure)) {
            LOG.debugf("websocket %s: %s", connection.id(), text);
            if (peer != null && !peer.closing) {
                peer.sendError("message_too_large", "a message over the WebSocket layer's "
                        + maxMessageBytes + " byte limit; the connection is closed and the session can be resumed", true, 1009);
            }
            return;
        }
        if (SocketPlumbing.lost(failure)) {
            LOG.debugf("websocket %s: connection lost: %s", connection.id(), text);
            return;
        }
        LOG.errorf(failure, "websocket %s: unexpected failure", connection.id());
        if (peer != null && !peer.closing) {
            peer.sendError("internal_error", "a server fault; the log has the details", true, 1011);
        }
    }

    /** The {@code token} query parameter (browsers cannot set headers on a WebSocket). */
    static String queryToken(String query) {
        return SocketPlumbing.queryParam(query, "token");
    }

    private void configure(AudioPeer peer, AudioProtocol.ClientMessage.Config c) {
        if (peer.session != null) {
            peer.sendError("config_already_received", "this connection already has session " + peer.session.id()
                    + "; the second config was ignored", false, 0);
            return;
        }
        StreamSettings settings;
        try {
            settings = AudioProtocol.settings(c.body(), vadDefaults, config.defaultLanguage());
        } catch (AudioProtocol.ProtocolError e) {
            peer.sendError(e.code, e.getMessage(), false, 0);
            return;
        }
        if (!peer.admitted) {
            if (!sessions.tryAcquireSocket()) {
                peer.sendError("busy", "the server has " + config.maxSessions()
                        + " audio sessions open (lma.audio.max-sessions); retry later", true, 1013);
                return;
            }
            peer.admitted = true;
        }
        peer.configuring = true;
        try {
            peer.session = sessions.open(settings, peer);
        } catch (SessionOpenException e) {
            if (!e.fatal()) {
                // a corrected config may follow (within the config deadline); until then no session slot is held
                peer.admitted = false;
                sessions.releaseSocket();
            }
            peer.sendError(e.code(), e.getMessage(), e.fatal(), e.closeCode());
        } finally {
            peer.configuring = false;
        }
    }

    private void audio(AudioPeer peer, byte[] bytes, Long chunkId) {
        AudioSession s = peer.session;
        if (s == null) {
            peer.sendError("no_config", "audio before config; send a config message first (the audio was dropped)", false, 0);
            return;
        }
        if (bytes.length == 0) {
            peer.sendError("empty_frame", "an audio message with no bytes was ignored", false, 0);
            return;
        }
        FrameAdmission.Decision d = s.offer(bytes, chunkId);
        if (d instanceof FrameAdmission.Decision.Refused r && r.tell()) {
            FrameAdmission.Position at = r.position();
            peer.sendPositioned("overloaded", "the session's audio buffer (lma.audio.max-buffered-bytes=" + config.maxBufferedBytes()
                    + ") is full: this audio and every audio message after it are refused until you continue from byte "
                    + at.receivedBytes() + (at.resumeChunkId() != null ? " (re-send chunk_id " + at.resumeChunkId() + " and on)"
                    : " (send resume_audio with received_bytes " + at.receivedBytes() + ", then the audio from there)"), at);
        } else if (d instanceof FrameAdmission.Decision.Ended) {
            peer.sendError("session_ended", "session " + s.id() + " takes no more audio (end_of_stream was received, or the"
                    + " server is shutting down and a reconnect message follows); this audio was not taken", false, 0);
        }
    }
}
