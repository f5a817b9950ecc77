package io.localmodels.analysis;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Session analysis (lma.analysis.*); defaults are in the README's configuration table. */
@ConfigMapping(prefix = "lma.analysis")
public interface AnalysisConfig {

    enum Engine { AUTO, OPENAI, LLAMA, NONE }

    enum StructuredOutput { AUTO, JSON_SCHEMA, JSON_OBJECT }

    /** auto: openai when base-url is set, else llama when lma.llm.model is not none, else none. */
    @WithDefault("auto")
    Engine engine();

    /** OpenAI-compatible base URL, e.g. http://localhost:11434/v1 (Ollama), http://vllm:8000/v1. */
    Optional<String> baseUrl();

    @WithDefault("qwen2.5:7b-instruct")
    String model();

    /**
     * The server's model takes images (OpenAI {@code image_url} content parts): Gemini image parts
     * and Live camera frames go to it as the image itself, besides the detector's objects and risks.
     */
    @WithDefault("false")
    boolean vision();

    /** Bearer token; never logged. */
    Optional<String> apiKey();

    /** Longest wait for one answer. */
    @WithDefault("120s")
    Duration timeout();

    /** Further attempts after a failed call (connection error, timeout, HTTP 429/5xx). */
    @WithDefault("2")
    int retries();

    /** Wait before retry n is n × this. */
    @WithDefault("2s")
    Duration retryBackoff();

    /** The model's context window in tokens; longer transcripts are analysed in chunks and merged. */
    @WithDefault("8192")
    int contextTokens();

    /** Answer length cap (max_tokens). */
    @WithDefault("1024")
    int maxAnswerTokens();

    /** auto: json_schema, falling back to json_object when the server refuses it; or force one. */
    @WithDefault("auto")
    StructuredOutput structuredOutput();

    @WithDefault("0.2")
    double temperature();

    /** Analyses running at once. */
    @WithDefault("1")
    int workers();

    /** Analyses waiting; beyond it a session's analysis fails at once with "busy". */
    @WithDefault("32")
    int queueCapacity();
}
