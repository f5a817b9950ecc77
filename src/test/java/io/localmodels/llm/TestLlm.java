package io.localmodels.llm;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.util.Optional;

/** An {@link LlmService} on a local GGUF, loaded outside CDI (no Hub, no ONNX Runtime). */
public final class TestLlm {

    private TestLlm() {
    }

    public record Config(String model, int contextSize, int maxTokens, int queueCapacity) implements LlmConfig {
        @Override
        public String quantization() {
            return "Q4_K_M";
        }

        @Override
        public Optional<Integer> gpuLayers() {
            return Optional.of(0);
        }

        @Override
        public Optional<String> library() {
            return Optional.empty();
        }

        @Override
        public int threads() {
            return 2;
        }

        @Override
        public long autoLargeCpuMib() {
            return 6144;
        }

        @Override
        public long autoLargeGpuMib() {
            return 7168;
        }
    }

    public static LlmService open(Path gguf) {
        return open(gguf, 16384, 4);
    }

    public static LlmService open(Path gguf, int contextSize, int queueCapacity) {
        return open(gguf, contextSize, queueCapacity, new SimpleMeterRegistry());
    }

    public static LlmService open(Path gguf, int contextSize, int queueCapacity, MeterRegistry meters) {
        Config c = new Config(gguf.toString(), contextSize, 2048, queueCapacity);
        LlmService s = new LlmService(c, new LlmLocator(c, null, null), null, meters);
        s.load();
        return s;
    }

    public static void close(LlmService s) {
        s.close();
    }
}
