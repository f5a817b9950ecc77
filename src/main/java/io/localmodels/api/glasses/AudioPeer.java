package io.localmodels.api.glasses;

import io.localmodels.api.http.SocketPlumbing;
import io.localmodels.session.AudioSession;
import io.localmodels.session.FrameAdmission;
import io.localmodels.session.SessionEvent;
import io.localmodels.session.SessionListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * One {@code /ws/audio} connection: its session once configured, the listener that session talks to,
 * and everything sent to the client, in order (a close never overtakes the message before it).
 */
final class AudioPeer implements SessionListener {

    final WebSocketConnection connection;
    /** Holds a session slot (lma.audio.max-sessions): from its config on. */
    volatile boolean admitted;
    volatile String keyName;
    volatile AudioSession session;
    /** A config is being handled (it may read the store): the config deadline does not cut it off. */
    volatile boolean configuring;
    volatile boolean closing;
    private final SocketPlumbing.Outbound outbound;
    private final MeterRegistry meters;

    AudioPeer(WebSocketConnection connection, MeterRegistry meters) {
        this.connection = connection;
        this.outbound = new SocketPlumbing.Outbound(connection.id());
        this.meters = meters;
    }

    @Override
    public void deliver(SessionEvent event) {
        if (event instanceof SessionEvent.Error e) {
            sendError(e.code(), e.message(), e.fatal(), e.closeCode());
            return;
        }
        send(AudioProtocol.toJson(event));
    }

    @Override
    public void close(int code, String reason) {
        closing = true;
        outbound.then(() -> connection.close(new CloseReason(code, reason)));
    }

    void send(String json) {
        outbound.then(() -> connection.sendText(json));
    }

    /** A non-fatal error that names where the session's audio ends (overloaded, resume_mismatch). */
    void sendPositioned(String code, String message, FrameAdmission.Position at) {
        countError(code);
        send(AudioProtocol.positioned(code, message, at.receivedBytes(), at.receivedSamples(), at.resumeChunkId()));
    }

    /** An error message; a fatal one closes the connection after it ({@code closeCode} 0: 1011). */
    void sendError(String code, String message, boolean fatal, int closeCode) {
        countError(code);
        send(AudioProtocol.error(code, message, fatal));
        if (fatal) {
            close(closeCode == 0 ? 1011 : closeCode, code);
        }
    }

    private void countError(String code) {
        Counter.builder("lma.ws.errors").tag("code", code).description("Error messages sent on /ws/audio")
                .register(meters).increment();
    }
}
