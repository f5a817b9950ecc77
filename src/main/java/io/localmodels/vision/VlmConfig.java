package io.localmodels.vision;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** {@code lma.vision.vlm.*}: an OpenAI-compatible chat-completions server with image input (vLLM, Ollama, llama.cpp). */
@ConfigMapping(prefix = "lma.vision.vlm")
public interface VlmConfig {

    /** e.g. http://localhost:11434/v1 (Ollama) or http://vllm:8000/v1; unset = no VLM, template descriptions only. */
    Optional<URI> baseUrl();

    /** Model name the server knows, e.g. qwen2.5vl or Qwen/Qwen2.5-VL-3B-Instruct. */
    @WithDefault("qwen2.5vl")
    String model();

    /** Sent as a Bearer token; never logged. */
    Optional<String> apiKey();

    /** Longest wait for the whole answer. */
    @WithDefault("20s")
    Duration timeout();

    @WithDefault("256")
    int maxTokens();

    /** Consecutive failures that open the circuit (the VLM is then skipped). */
    @WithDefault("3")
    int failureThreshold();

    /** How long an open circuit skips the VLM before one trial call. */
    @WithDefault("30s")
    Duration openDuration();
}
