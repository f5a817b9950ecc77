package io.localmodels.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/** API keys and per-key limits (lma.auth.*); defaults in the README's configuration table. */
@ConfigMapping(prefix = "lma.auth")
public interface AuthConfig {

    /** Comma-separated name:key pairs (LMA_AUTH_API_KEYS); unset = no authentication. */
    Optional<List<String>> apiKeys();

    /** Path prefixes open without a key (probes and scraping). */
    @WithDefault("/q/health,/q/metrics")
    List<String> publicPaths();

    /** Audio sockets one key may hold at once; 0 = only lma.audio.max-sessions applies. */
    @WithDefault("0")
    int maxSessionsPerKey();

    /** Photos (POST /vision/frame, /vision/frame_b64) one key may send per minute; 0 = unlimited. */
    @WithDefault("0")
    int framesPerMinute();
}
