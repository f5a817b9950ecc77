package io.localmodels.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import io.localmodels.inference.InferenceConfig.ProviderMode;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;

/**
 * Owns the process-wide {@link OrtEnvironment} and decides, once, which execution provider new
 * sessions get. All session creation goes through here so thread settings and CUDA options are
 * the same everywhere.
 */
@Singleton
public class OnnxRuntime {

    private static final Logger LOG = Logger.getLogger(OnnxRuntime.class);

    private final InferenceConfig config;
    private final OrtEnvironment env;
    private final ProviderChoice choice;

    public OnnxRuntime(InferenceConfig config) {
        this.config = config;
        // ONNX Runtime allows one environment per JVM; getEnvironment() returns the existing one
        // across Quarkus restarts (tests, dev mode) instead of failing.
        this.env = OrtEnvironment.getEnvironment();
        pinEnvironment();
        this.choice = decide(config.provider(), config.allowCpuFallback(), config.cudaDevice());
        LOG.infof("ONNX Runtime %s: execution provider %s (%s)", env.getVersion(), choice.provider().label(), choice.reason());
    }

    private static boolean pinned;

    /**
     * ONNX Runtime's Java binding frees its native environment in a JVM shutdown hook, and the JVM runs
     * shutdown hooks all at once: on SIGTERM that hook freed the environment while Quarkus' own hook was
     * still draining sessions through Whisper, and the next run read freed memory (SIGSEGV in
     * libonnxruntime.so). The native environment is reference-counted; one more reference, never given
     * back, keeps it alive until the process ends, after the drain and after every session is closed.
     * What it holds is the process' to free at exit, as it would be without the hook.
     */
    static synchronized void pinEnvironment() {
        if (pinned) {
            return;
        }
        try {
            OrtEnvironment.getEnvironment(); // loads the native library and sets the API handle
            Field api = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("ortApiHandle");
            api.setAccessible(true);
            Method create = OrtEnvironment.class.getDeclaredMethod("createHandle", long.class, int.class, String.class);
            create.setAccessible(true);
            create.invoke(null, api.getLong(null), OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING.getValue(), "lma-pin");
            pinned = true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("cannot hold ONNX Runtime's environment past its shutdown hook (%s): a SIGTERM during inference may crash"
                    + " the process instead of draining it", e);
        }
    }

    public OrtEnvironment environment() {
        return env;
    }

    public ProviderChoice choice() {
        return choice;
    }

    /** The provider mode for one model: its override if configured, else the global one. */
    ProviderMode modeFor(String modelId) {
        InferenceConfig.ModelTuning tuning = config.models().get(modelId);
        return tuning == null ? config.provider() : tuning.provider().orElse(config.provider());
    }

    /** The provider one model's sessions get: the global choice unless the model overrides the mode. */
    public ProviderChoice choiceFor(String modelId) {
        ProviderMode mode = modeFor(modelId);
        return mode == config.provider() ? choice : decide(mode, config.allowCpuFallback(), config.cudaDevice());
    }

    /**
     * Opens a session for one model file on {@code provider}. The caller owns the returned handle
     * and must close it (it closes the session and its options).
     */
    public SessionHandle open(String modelId, Path file, ExecutionProvider provider) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            InferenceConfig.ModelTuning tuning = config.models().get(modelId);
            int intra = tuning != null && tuning.intraOpThreads().isPresent() ? tuning.intraOpThreads().get() : config.intraOpThreads();
            options.setIntraOpNumThreads(intra);
            options.setInterOpNumThreads(config.interOpThreads());
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // Idle spinning burns a core per session between calls; streaming workloads are bursty.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            // ORT's CPU arena keeps its peak for the life of the session (never returned to the OS)
            boolean arena = tuning != null && tuning.cpuArena().isPresent() ? tuning.cpuArena().get() : config.cpuArena();
            if (!arena) {
                options.setCPUArenaAllocator(false);
            }
            if (provider == ExecutionProvider.CUDA) {
                addCuda(options, config.cudaDevice());
            }
            OrtSession session = env.createSession(file.toString(), options);
            return new SessionHandle(modelId, file, provider, session, options);
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /**
     * Opens a session for a model that is not in the catalog (a Whisper folder, say) with that id's
     * provider policy; refuses when the policy says CUDA and no device answered.
     */
    public SessionHandle openFor(String modelId, Path file) throws OrtException {
        ProviderChoice c = choiceFor(modelId);
        if (!c.usable()) {
            throw new OrtException(c.reason());
        }
        return open(modelId, file, c.provider());
    }

    private void addCuda(OrtSession.SessionOptions options, int device) throws OrtException {
        try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(device)) {
            cuda.add("arena_extend_strategy", "kSameAsRequested");
            cuda.add("cudnn_conv_algo_search", "HEURISTIC");
            config.cudaMemLimit().ifPresent(limit -> {
                try {
                    cuda.add("gpu_mem_limit", Long.toString(limit));
                } catch (OrtException e) {
                    throw new IllegalStateException("invalid lma.inference.cuda-mem-limit " + limit, e);
                }
            });
            options.addCUDA(cuda);
        }
    }

    static ProviderChoice decide(ProviderMode mode, boolean allowCpuFallback, int device) {
        if (mode == ProviderMode.CPU) {
            return new ProviderChoice(ExecutionProvider.CPU, true, "lma.inference.provider=cpu");
        }
        String cudaProblem = cudaProblem(device);
        if (cudaProblem == null) {
            return new ProviderChoice(ExecutionProvider.CUDA, true, "CUDA device " + device + " answered");
        }
        if (mode == ProviderMode.AUTO) {
            return new ProviderChoice(ExecutionProvider.CPU, true, "auto: " + cudaProblem);
        }
        if (allowCpuFallback) {
            return new ProviderChoice(ExecutionProvider.CPU, true,
                    "provider=cuda but " + cudaProblem + "; running on CPU because lma.inference.allow-cpu-fallback=true");
        }
        return new ProviderChoice(ExecutionProvider.CUDA, false,
                "provider=cuda but " + cudaProblem + " (set lma.inference.allow-cpu-fallback=true to run on CPU instead)");
    }

    /** Null when CUDA is usable, else why not. */
    private static String cudaProblem(int device) {
        // The GPU jar lists CUDA among its compiled-in providers even on hosts without a GPU,
        // so the list only tells the CPU build apart; the real test is appending the provider.
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return "this is the CPU build of ONNX Runtime (build with -Pgpu for CUDA)";
        }
        try (OrtSession.SessionOptions probe = new OrtSession.SessionOptions()) {
            probe.addCUDA(device);
            return null;
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            return "CUDA provider could not start on device " + device + ": " + e.getMessage();
        }
    }
}
