package io.localmodels.inference;

import ai.onnxruntime.OrtException;
import io.localmodels.models.ModelCache;
import io.localmodels.models.ModelCatalog;
import io.localmodels.models.ModelFile;
import io.localmodels.models.ModelSpec;
import io.localmodels.models.ModelUnavailableException;
import io.localmodels.models.ModelsConfig;
import io.localmodels.models.ResolvedModel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The configured models and their ONNX Runtime sessions. Sessions are created once per model and
 * shared by every thread (ONNX Runtime's {@code run} is thread-safe; per-stream state lives with
 * the caller) and closed, with their options, at shutdown.
 */
@Singleton
public class ModelRegistry {

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

    private final ModelCatalog catalog;
    private final ModelCache cache;
    private final OnnxRuntime runtime;
    private final MeterRegistry meters;
    private final Map<String, ConfiguredModel> configured = new LinkedHashMap<>();
    private final Map<String, ModelState> states = new ConcurrentHashMap<>();
    private final Map<String, Map<String, SessionHandle>> sessions = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public ModelRegistry(ModelCatalog catalog, ModelCache cache, OnnxRuntime runtime, ModelsConfig config, MeterRegistry meters) {
        this.catalog = catalog;
        this.cache = cache;
        this.runtime = runtime;
        this.meters = meters;
        for (String id : config.required()) {
            configured.put(id, new ConfiguredModel(id, roleOf(id), true));
        }
        for (String id : config.optional().orElse(List.of())) {
            configured.putIfAbsent(id, new ConfiguredModel(id, roleOf(id), false));
        }
        configured.keySet().forEach(id -> states.put(id, new ModelState.Loading()));
        Gauge.builder("lma.models.loaded", states, s -> s.values().stream().filter(ModelState.Loaded.class::isInstance).count())
                .description("Configured models whose sessions are open")
                .register(meters);
        Gauge.builder("lma.models.configured", configured, Map::size)
                .description("Models the configuration asks for")
                .register(meters);
        Gauge.builder("lma.inference.provider", () -> 1)
                .tag("provider", runtime.choice().provider().label())
                .description("Execution provider chosen for new sessions (value is always 1)")
                .register(meters);
    }

    private String roleOf(String id) {
        return catalog.find(id).map(ModelSpec::role).orElse("unknown");
    }

    public List<ConfiguredModel> configured() {
        return List.copyOf(configured.values());
    }

    public ModelState state(String id) {
        return states.get(id);
    }

    /** Fetches (cache, mirrors, download) and opens every configured model; safe to call again. */
    public void loadAll() {
        for (ConfiguredModel m : configured.values()) {
            load(m.id());
        }
        long loaded = states.values().stream().filter(ModelState.Loaded.class::isInstance).count();
        LOG.infof("models: %d of %d configured models loaded", loaded, configured.size());
    }

    public synchronized ModelState load(String id) {
        if (closed) {
            return states.get(id);
        }
        if (states.get(id) instanceof ModelState.Loaded l) {
            return l;
        }
        states.put(id, new ModelState.Loading());
        ModelState result = open(id);
        states.put(id, result);
        if (result instanceof ModelState.Loaded l) {
            LOG.infof("model %s: loaded on %s in %d ms", id, l.provider().label(), l.loadMillis());
        } else if (result instanceof ModelState.Missing m) {
            LOG.warnf("model %s: missing (%s). To fix: %s", id, m.reason(), m.hint());
        } else if (result instanceof ModelState.Failed f) {
            LOG.errorf("model %s: failed: %s", id, f.reason());
        }
        return result;
    }

    private ModelState open(String id) {
        Optional<ModelSpec> spec = catalog.find(id);
        if (spec.isEmpty()) {
            return new ModelState.Failed("unknown model id '" + id + "'; the catalog has "
                    + catalog.all().stream().map(ModelSpec::id).toList());
        }
        if (spec.get().fromHub()) {
            return new ModelState.Failed("model " + id + " is a " + spec.get().role() + " model from the Hugging Face Hub ("
                    + spec.get().hub() + "); name it in its own setting (lma.asr.model=" + id + "), not in lma.models.required/optional");
        }
        long start = System.nanoTime();
        ResolvedModel resolved;
        try {
            resolved = cache.resolve(spec.get());
        } catch (ModelUnavailableException e) {
            return new ModelState.Missing(String.join("; ", e.attempts()), e.hint());
        }
        ProviderChoice choice = runtime.choiceFor(id);
        if (!choice.usable()) {
            return new ModelState.Failed(choice.reason());
        }
        ModelState state = openOn(id, spec.get(), resolved, choice.provider(), choice.reason(), start);
        if (state instanceof ModelState.Failed f && choice.provider() == ExecutionProvider.CUDA
                && runtime.modeFor(id) == InferenceConfig.ProviderMode.AUTO) {
            // The provider probe can pass on a host whose device then refuses the session.
            String note = "CUDA session failed (" + f.reason() + "); auto fell back to CPU";
            LOG.warnf("model %s: %s", id, note);
            return openOn(id, spec.get(), resolved, ExecutionProvider.CPU, note, start);
        }
        return state;
    }

    private ModelState openOn(String id, ModelSpec spec, ResolvedModel resolved, ExecutionProvider provider,
                              String note, long start) {
        Map<String, SessionHandle> opened = new LinkedHashMap<>();
        try {
            for (ModelFile f : spec.files()) {
                if (f.isOnnxModel()) {
                    Path path = resolved.path(f.name());
                    SessionHandle handle = runtime.open(id, path, provider);
                    opened.put(f.name(), handle);
                    ModelIoCheck.verify(path.getFileName().toString(), handle.session(), f.onnx());
                }
            }
        } catch (OrtException | ModelIoMismatchException | RuntimeException e) {
            closeAll(opened);
            return new ModelState.Failed(e.getMessage());
        }
        return publish(id, resolved, opened, provider, note, start);
    }

    private ModelState publish(String id, ResolvedModel resolved, Map<String, SessionHandle> opened,
                               ExecutionProvider provider, String note, long start) {
        if (closed) {
            closeAll(opened);
            return new ModelState.Failed("service is shutting down");
        }
        sessions.put(id, opened);
        long nanos = System.nanoTime() - start;
        Timer.builder("lma.model.load").tag("model", id).description("Time to fetch, verify and open a model")
                .register(meters).record(Duration.ofNanos(nanos));
        return new ModelState.Loaded(provider, new ArrayList<>(resolved.files().values()), nanos / 1_000_000, note);
    }

    /** The session of a single-file model; run it through the handle (closing waits for its runs). */
    public SessionHandle session(String modelId) {
        Map<String, SessionHandle> handles = handles(modelId);
        if (handles.size() != 1) {
            throw new IllegalArgumentException("model " + modelId + " has " + handles.size() + " sessions; name the file");
        }
        return handles.values().iterator().next();
    }

    public SessionHandle session(String modelId, String fileName) {
        SessionHandle h = handles(modelId).get(fileName);
        if (h == null) {
            throw new IllegalArgumentException("model " + modelId + " has no ONNX file " + fileName);
        }
        return h;
    }

    private Map<String, SessionHandle> handles(String modelId) {
        Map<String, SessionHandle> handles = sessions.get(modelId);
        if (handles == null) {
            throw new ModelNotReadyException(modelId, states.get(modelId));
        }
        return handles;
    }

    @PreDestroy
    synchronized void close() {
        closed = true;
        sessions.values().forEach(ModelRegistry::closeAll);
        sessions.clear();
    }

    private static void closeAll(Map<String, SessionHandle> handles) {
        for (SessionHandle h : handles.values()) {
            try {
                h.close();
            } catch (OrtException | RuntimeException e) {
                LOG.warnf("closing session of %s failed: %s", h.file(), e.getMessage());
            }
        }
    }
}
