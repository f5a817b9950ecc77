package io.localmodels.llm;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** The embedded LLM (lma.llm.*): llama.cpp in-process; defaults are in the README's configuration table. */
@ConfigMapping(prefix = "lma.llm")
public interface LlmConfig {

    /**
     * auto (a Qwen2.5 instruct GGUF chosen by the memory there is), none, a .gguf file or a folder
     * holding one, or a Hugging Face repository: {@code org/name[@revision]} (the quantisation below),
     * {@code org/name[@revision]:Q5_K_M}, or {@code org/name/file.gguf}.
     */
    @WithDefault("auto")
    String model();

    /** The quantisation picked in a repository that has several (matched in the file names, any case). */
    @WithDefault("Q4_K_M")
    String quantization();

    /** Context window in tokens (prompt and answer together); KV-cache memory grows with it. */
    @WithDefault("16384")
    int contextSize();

    /** Layers offloaded to the GPU (CUDA build, -Pgpu); unset: all of them when a GPU is there, else 0. */
    Optional<Integer> gpuLayers();

    /**
     * A folder holding a libjllama of the user's own (tools/build-jllama.sh: tuned for this CPU, or
     * CUDA) instead of the portable one in the jar; read by {@code LlamaNatives} before llama.cpp loads.
     */
    Optional<String> library();

    /** CPU threads for generation; 0: one per core. */
    @WithDefault("0")
    int threads();

    /** Answer cap of /v1/chat/completions when the request sets no max_tokens, and the most it may ask for. */
    @WithDefault("2048")
    int maxTokens();

    /** Requests waiting for the model (one runs at a time); beyond it: busy. */
    @WithDefault("8")
    int queueCapacity();

    /** Free memory (RAM on CPU, VRAM on CUDA) from which auto takes the larger default model, in MiB. */
    @WithDefault("6144")
    long autoLargeCpuMib();

    @WithDefault("7168")
    long autoLargeGpuMib();
}
