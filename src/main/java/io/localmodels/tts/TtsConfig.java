package io.localmodels.tts;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code lma.tts.*}: speech output. */
@ConfigMapping(prefix = "lma.tts")
public interface TtsConfig {

    /**
     * {@code auto} or {@code espeak}: espeak-ng's own synthesizer, built in (no download; robotic but
     * intelligible). {@code none}: no speech output. Piper voices are to come (issue #34).
     */
    @WithDefault("auto")
    String voice();

    /** The espeak-ng shared library: a name the system's loader finds, or a path. */
    @WithDefault("libespeak-ng.so.1")
    String library();

    /** The longest text one request may speak, in characters (OpenAI's own limit). */
    @WithDefault("4096")
    int maxInputChars();

    /** Syntheses that may wait for the synthesis thread; one more answers busy. */
    @WithDefault("8")
    int maxQueue();

    /**
     * Answers being sent at once. Synthesis runs far faster than a client plays, so an answer waits in
     * memory until its client reads it (up to about 11 MB for the longest text): this bounds the sum.
     */
    @WithDefault("16")
    int maxStreams();
}
