package io.localmodels.session;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;

/**
 * SIGTERM: readiness goes DOWN at once (the {@code draining} check), new sessions are refused with
 * busy, open sessions finish what they accepted and are told to reconnect with their session_id,
 * all within lma.session.drain-timeout (keep terminationGracePeriodSeconds above it); then the rest
 * of the shutdown (ASR workers finish their batch, sessions close) proceeds.
 */
@Singleton
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);

    private final AudioSessions sessions;
    private final SessionArchive archive;
    private final SessionConfig config;

    public GracefulShutdown(AudioSessions sessions, SessionArchive archive, SessionConfig config) {
        this.sessions = sessions;
        this.archive = archive;
        this.config = config;
    }

    /**
     * The first thing Quarkus does on SIGTERM (with {@code quarkus.shutdown.delay-enabled}, set in
     * application.properties): observers run before the HTTP layer's graceful shutdown, while sockets
     * can still carry the reconnect message. Waiting for {@link ShutdownEvent} instead would leave
     * open sessions untold until {@code quarkus.shutdown.timeout} had passed, and then close them
     * without the message.
     */
    void onShutdownStarted(@Observes ShutdownDelayInitiatedEvent event) {
        drainOnce();
    }

    /** Fallback for builds without the delay phase. */
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        drainOnce();
    }

    private void drainOnce() {
        if (sessions.draining()) {
            return;
        }
        long t0 = System.nanoTime();
        Instant deadline = Instant.now().plus(config.drainTimeout());
        sessions.drain(deadline, config.reconnectAfter().toMillis(), () -> archive.flush(Duration.ofSeconds(5)));
        LOG.infof("drained in %.1f s", (System.nanoTime() - t0) / 1e9);
    }

    public boolean draining() {
        return sessions.draining();
    }
}
