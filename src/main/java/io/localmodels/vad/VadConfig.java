package io.localmodels.vad;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;
import java.util.OptionalInt;

/** {@code lma.vad.*}: Silero VAD segmentation defaults (Silero's get_speech_timestamps values). */
@ConfigMapping(prefix = "lma.vad")
public interface VadConfig {

    /** Catalog id of the VAD model. */
    @WithDefault("silero-vad")
    String model();

    /** Speech probability at or above which a window counts as speech. */
    @WithDefault("0.5")
    double threshold();

    /** Probability below which speech may end (hysteresis); default threshold − 0.15. */
    Optional<Double> negThreshold();

    /** Shorter speech is dropped. */
    @WithDefault("250")
    int minSpeechMs();

    /** Silence needed before an utterance ends. */
    @WithDefault("100")
    int minSilenceMs();

    /** Audio kept before and after each utterance so first and last syllables are not cut. */
    @WithDefault("30")
    int speechPadMs();

    /**
     * Longest utterance; longer speech is split at its quietest point. Silero's default is
     * unlimited; 30 s is Whisper's window.
     */
    @WithDefault("30")
    double maxSpeechS();

    /** Most streams one Silero call serves (windows of concurrent sessions run together). */
    @WithDefault("32")
    int maxBatch();

    /** Threads running Silero calls (default: one per core; they wait while there is no audio). */
    OptionalInt inferenceThreads();
}
