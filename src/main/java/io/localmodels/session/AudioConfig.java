package io.localmodels.session;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.OptionalInt;

/** {@code lma.audio.*}: limits of the streaming audio path. */
@ConfigMapping(prefix = "lma.audio")
public interface AudioConfig {

    /** Largest audio message (binary frame, or the whole audio_chunk JSON text); larger → frame_too_large. */
    @WithDefault("1048576")
    int maxFrameBytes();

    /**
     * Audio bytes one session may have accepted but not yet processed; more → overloaded (the frame
     * is refused, nothing accepted is dropped).
     */
    @WithDefault("4194304")
    long maxBufferedBytes();

    /** Concurrent audio sockets; one more → busy and close code 1013. */
    @WithDefault("64")
    int maxSessions();

    /** Longest session in audio time; past it → session_too_long and close code 1008. */
    @WithDefault("4h")
    Duration maxSessionDuration();

    /**
     * A socket must send its config within this long, or it gets config_timeout and is closed. Until
     * then it holds no session slot.
     */
    @WithDefault("5s")
    Duration configTimeout();

    /** Sockets that have sent nothing yet, in all; at the cap the oldest one is closed (config_timeout). */
    @WithDefault("256")
    int maxPendingSockets();

    /**
     * Sockets from one remote address that have sent nothing yet; at the cap that address's oldest one
     * is closed once it has been silent for a second (a burst of real clients behind one NAT is spared).
     */
    @WithDefault("16")
    int maxPendingSocketsPerAddress();

    /** A socket that sends no audio for this long gets idle_timeout and is closed (the session stays resumable). */
    @WithDefault("90s")
    Duration idleTimeout();

    /** Threads decoding, resampling and running the VAD for all sessions (default: one per core). */
    OptionalInt workers();

    /** Language assumed when config has none. */
    @WithDefault("es")
    String defaultLanguage();
}
