package io.localmodels.api.http;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code lma.http.*}: limits the HTTP layer itself does not have. */
@ConfigMapping(prefix = "lma.http")
public interface HttpLimitsConfig {

    /**
     * How long a client may take to send a whole request head (request line and headers): from the
     * connection's start for its first request, from the first byte of each later one. Past it the
     * connection is closed (counted in lma_http_header_timeouts_total). 0 turns the deadline off.
     */
    @WithDefault("30s")
    Duration headerTimeout();
}
