package io.localmodels.api.gemini;

import io.localmodels.session.AudioConfig;
import io.localmodels.session.SessionConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Live conversations of this process, by resumption handle: connected ones, and those whose
 * connection went away, kept for {@code lma.session.resume-window} so that a reconnect with the
 * handle continues them. In memory: a handle is valid only on the replica that gave it.
 */
@Singleton
public class GeminiLiveSessions {

    private static final Logger LOG = Logger.getLogger(GeminiLiveSessions.class);

    private final Map<String, GeminiLiveConversation> conversations = new ConcurrentHashMap<>();
    private final long resumeNanos;
    private final int max;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gemini-live-sweep");
        t.setDaemon(true);
        return t;
    });

    public GeminiLiveSessions(SessionConfig config, AudioConfig audio) {
        this.resumeNanos = config.resumeWindow().toNanos();
        // connected and resumable together; each one holds at most its history and MAX_MISSED messages
        this.max = Math.max(16, audio.maxSessions() * 2);
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    /** Registers a new conversation; false when the server holds as many as it may. */
    boolean add(GeminiLiveConversation c) {
        synchronized (conversations) {
            if (conversations.size() >= max) {
                return false;
            }
            conversations.put(c.handle, c);
            return true;
        }
    }

    /** The conversation a handle names, if it waits to be resumed and belongs to the same key. */
    Optional<GeminiLiveConversation> resumable(String handle, String keyName) {
        GeminiLiveConversation c = conversations.get(handle);
        return c != null && c.keyName.equals(keyName) && c.detachedAtNanos() >= 0 ? Optional.of(c) : Optional.empty();
    }

    private void sweep() {
        long now = System.nanoTime();
        conversations.values().removeIf(c -> {
            long at = c.detachedAtNanos();
            boolean expired = at >= 0 && now - at > resumeNanos;
            if (expired) {
                LOG.debugf("gemini live %s: not resumed within the resume window; forgotten", c.handle);
            }
            return expired;
        });
    }

    @PreDestroy
    void shutdown() {
        sweeper.shutdownNow();
    }
}
