package io.localmodels.session;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code lma.session.*}: session lifetime. */
@ConfigMapping(prefix = "lma.session")
public interface SessionConfig {

    /** How long a session whose socket dropped without end_of_stream can be resumed. */
    @WithDefault("120s")
    Duration resumeWindow();

    /** Undelivered events kept for a detached session, delivered when it resumes. */
    @WithDefault("1000")
    int maxUndeliveredEvents();
}
