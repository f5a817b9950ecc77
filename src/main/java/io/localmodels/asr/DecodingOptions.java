package io.localmodels.asr;

import java.util.List;

/**
 * Decoding settings with openai/whisper's defaults: 224 new tokens at most (half the text context),
 * first timestamp within 1 s, windows dropped when no_speech_prob &gt; 0.6 while avg_logprob &lt; −1, or
 * when the text compresses more than 2.4× (runaway repetition). The temperature fallback re-decodes
 * such windows at rising temperatures; off unless asked for.
 */
public record DecodingOptions(int maxNewTokens, double maxInitialTimestamp, double noSpeechThreshold, double logprobThreshold,
                              double compressionRatioThreshold, List<Double> fallbackTemperatures, boolean useCache, long seed) {

    public static DecodingOptions defaults() {
        return new DecodingOptions(224, 1.0, 0.6, -1.0, 2.4, List.of(), true, 0);
    }

    public DecodingOptions withUseCache(boolean cache) {
        return new DecodingOptions(maxNewTokens, maxInitialTimestamp, noSpeechThreshold, logprobThreshold, compressionRatioThreshold,
                fallbackTemperatures, cache, seed);
    }

    public DecodingOptions withMaxNewTokens(int max) {
        return new DecodingOptions(max, maxInitialTimestamp, noSpeechThreshold, logprobThreshold, compressionRatioThreshold,
                fallbackTemperatures, useCache, seed);
    }

    public DecodingOptions withFallback(List<Double> temperatures) {
        return new DecodingOptions(maxNewTokens, maxInitialTimestamp, noSpeechThreshold, logprobThreshold, compressionRatioThreshold,
                temperatures, useCache, seed);
    }
}
