package io.localmodels.auth;

import jakarta.inject.Singleton;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Per-key limits: concurrent audio sockets, and photos per minute (a token bucket refilled continuously). */
@Singleton
public class KeyLimits {

    private final AuthConfig config;
    private final Map<String, AtomicInteger> sessions = new ConcurrentHashMap<>();
    private final Map<String, Bucket> frames = new ConcurrentHashMap<>();

    public KeyLimits(AuthConfig config) {
        this.config = config;
    }

    public boolean tryOpenSession(String key) {
        int max = config.maxSessionsPerKey();
        AtomicInteger n = sessions.computeIfAbsent(key, k -> new AtomicInteger());
        while (true) {
            int now = n.get();
            if (max > 0 && now >= max) {
                return false;
            }
            if (n.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    public void sessionClosed(String key) {
        AtomicInteger n = sessions.get(key);
        if (n != null) {
            n.decrementAndGet();
        }
    }

    /** 0 when the frame may go, else seconds until it may. */
    public long tryFrame(String key) {
        int perMinute = config.framesPerMinute();
        if (perMinute <= 0) {
            return 0;
        }
        return frames.computeIfAbsent(key, k -> new Bucket(perMinute)).take();
    }

    private static final class Bucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long last = System.nanoTime();

        Bucket(int perMinute) {
            this.capacity = perMinute;
            this.perNano = perMinute / 60e9;
            this.tokens = perMinute;
        }

        synchronized long take() {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e9));
        }
    }
}
