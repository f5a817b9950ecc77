package io.localmodels.asr;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Speech recognition (lma.asr.*); every default is in the README's configuration table. */
@ConfigMapping(prefix = "lma.asr")
public interface AsrConfig {

    /**
     * auto (whisper-large-v3-turbo on CUDA, whisper-small on CPU, fetched from the Hugging Face Hub),
     * none (no speech recognition: VAD only), a catalog id (whisper-base, whisper-small.en, ...), a Hub
     * repository org/name[@revision], or a folder holding an Optimum / transformers.js Whisper export.
     */
    @WithDefault("auto")
    String model();

    /**
     * auto (fp16 on CUDA, quantized on CPU, fp32 where those are absent), or fp32, fp16, quantized,
     * int8, uint8, q4, q4f16, bnb4: which onnx/*{suffix}.onnx files to fetch and load.
     */
    @WithDefault("auto")
    String precision();

    /** auto (merged decoder when present, else the split pair), merged, split. */
    @WithDefault("auto")
    WhisperModelFiles.Layout decoderLayout();

    /** Threads that run ASR batches (each owns one batch at a time). */
    @WithDefault("1")
    int workers();

    /** Utterances waiting for a worker; beyond it requests are refused as busy. */
    @WithDefault("64")
    int queueCapacity();

    /** How long a worker waits for more utterances to batch with the first one. */
    @WithDefault("20ms")
    Duration batchWindow();

    @WithDefault("8")
    int maxBatch();

    /** Timestamp tokens for streaming utterances (segment times inside the utterance); off: one segment per utterance. */
    @WithDefault("false")
    boolean streamingTimestamps();

    @WithDefault("224")
    int maxNewTokens();

    /** Seconds: the first timestamp may not be later (openai's max_initial_timestamp). */
    @WithDefault("1.0")
    double maxInitialTimestamp();

    @WithDefault("0.6")
    double noSpeechThreshold();

    @WithDefault("-1.0")
    double logprobThreshold();

    @WithDefault("2.4")
    double compressionRatioThreshold();

    /** Temperatures tried, in order, when a window fails the checks (e.g. 0.2,0.4,0.6,0.8,1.0); empty = off. */
    Optional<List<Double>> temperatureFallback();

    /**
     * While speech is open, the utterance so far is decoded again after each this much new speech and
     * the session gets an interim_result (0 turns interim results off for every session).
     */
    @WithDefault("1s")
    Duration interimInterval();

    /** Longest audio POST /v1/audio/transcriptions accepts. */
    @WithDefault("10m")
    Duration maxFileDuration();

    default DecodingOptions decodingOptions() {
        return new DecodingOptions(maxNewTokens(), maxInitialTimestamp(), noSpeechThreshold(), logprobThreshold(),
                compressionRatioThreshold(), temperatureFallback().orElse(List.of()), true, 0);
    }
}
