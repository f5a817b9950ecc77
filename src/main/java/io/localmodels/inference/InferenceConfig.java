package io.localmodels.inference;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Map;
import java.util.Optional;

/** {@code lma.inference.*}: which execution provider ONNX Runtime uses and how its sessions are tuned. */
@ConfigMapping(prefix = "lma.inference")
public interface InferenceConfig {

    /** auto: CUDA when the GPU build is on the classpath and a device answers, else CPU. */
    @WithDefault("auto")
    ProviderMode provider();

    /** With provider=cuda and no usable device: run on CPU instead of failing readiness. */
    @WithDefault("false")
    boolean allowCpuFallback();

    @WithDefault("0")
    int cudaDevice();

    /** CUDA arena cap in bytes (ONNX Runtime {@code gpu_mem_limit}); unset means no cap. */
    Optional<Long> cudaMemLimit();

    /** Create sessions when the service starts (in the background, after HTTP listens). */
    @WithDefault("true")
    boolean loadAtStartup();

    /** Threads one session call may use; workers run many calls in parallel, so keep this small. */
    @WithDefault("1")
    int intraOpThreads();

    @WithDefault("1")
    int interOpThreads();

    /**
     * ONNX Runtime's CPU memory arena: faster allocation, but it grows to the largest batch seen and
     * never shrinks (docs/benchmarks.md, soak: about 0.7 GB more resident memory under ASR load).
     * false where memory is tight (Jetson, a pod memory limit).
     */
    @WithDefault("true")
    boolean cpuArena();

    /** Per-model overrides, keyed by catalog id: {@code lma.inference.models."yolox-nano".intra-op-threads=2}. */
    Map<String, ModelTuning> models();

    interface ModelTuning {
        /** Pin one model to a provider (tiny streaming models such as Silero VAD are faster on CPU). */
        Optional<ProviderMode> provider();

        Optional<Integer> intraOpThreads();

        Optional<Boolean> cpuArena();
    }

    enum ProviderMode {
        AUTO, CUDA, CPU
    }
}
