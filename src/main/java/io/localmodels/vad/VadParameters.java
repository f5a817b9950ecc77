package io.localmodels.vad;

/** Segmentation parameters of one stream: the configured defaults with the client's overrides. */
public record VadParameters(double threshold, double negThreshold, int minSpeechMs, int minSilenceMs, int speechPadMs,
                            double maxSpeechS) {

    public VadParameters {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("vad.threshold must be between 0 and 1, got " + threshold);
        }
        if (!(negThreshold > 0 && negThreshold <= threshold)) {
            throw new IllegalArgumentException("vad negative threshold must be in (0, threshold], got " + negThreshold);
        }
        if (minSpeechMs < 0 || minSpeechMs > 10_000) {
            throw new IllegalArgumentException("vad.min_speech_ms must be 0..10000, got " + minSpeechMs);
        }
        if (minSilenceMs < 0 || minSilenceMs > 10_000) {
            throw new IllegalArgumentException("vad.min_silence_ms must be 0..10000, got " + minSilenceMs);
        }
        if (speechPadMs < 0 || speechPadMs > 2_000) {
            throw new IllegalArgumentException("vad.speech_pad_ms must be 0..2000, got " + speechPadMs);
        }
        if (!(maxSpeechS >= 1 && maxSpeechS <= 30)) {
            throw new IllegalArgumentException("vad.max_speech_s must be 1..30 (Whisper's window), got " + maxSpeechS);
        }
    }

    public static VadParameters from(VadConfig c) {
        return new VadParameters(c.threshold(), c.negThreshold().orElse(Math.max(c.threshold() - 0.15, 0.01)),
                c.minSpeechMs(), c.minSilenceMs(), c.speechPadMs(), c.maxSpeechS());
    }

    /** Overrides from a client's {@code vad} object; null fields keep their value. */
    public VadParameters with(Double threshold, Integer minSilenceMs, Integer speechPadMs, Integer minSpeechMs,
                              Double maxSpeechS) {
        double t = threshold == null ? this.threshold : threshold;
        double neg = threshold == null ? negThreshold : Math.max(t - 0.15, 0.01);
        return new VadParameters(t, neg, minSpeechMs == null ? this.minSpeechMs : minSpeechMs,
                minSilenceMs == null ? this.minSilenceMs : minSilenceMs,
                speechPadMs == null ? this.speechPadMs : speechPadMs, maxSpeechS == null ? this.maxSpeechS : maxSpeechS);
    }
}
