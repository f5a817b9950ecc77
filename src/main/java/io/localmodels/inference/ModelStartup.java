package io.localmodels.inference;

import io.localmodels.models.ModelsConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Loads the configured models on a background thread so the HTTP server (and liveness) answer at
 * once; readiness stays DOWN until the required models are open.
 */
@ApplicationScoped
public class ModelStartup {

    private static final Logger LOG = Logger.getLogger(ModelStartup.class);

    private final ModelRegistry registry;
    private final ModelsConfig modelsConfig;
    private final InferenceConfig inferenceConfig;
    private volatile Thread loader;

    public ModelStartup(ModelRegistry registry, ModelsConfig modelsConfig, InferenceConfig inferenceConfig) {
        this.registry = registry;
        this.modelsConfig = modelsConfig;
        this.inferenceConfig = inferenceConfig;
    }

    void onStart(@Observes StartupEvent event) {
        if (modelsConfig.fetchOnly()) {
            return;
        }
        if (!inferenceConfig.loadAtStartup()) {
            LOG.info("lma.inference.load-at-startup=false: models open on first use or POST /models/{id}/load");
            return;
        }
        Thread t = new Thread(registry::loadAll, "model-loader");
        t.setDaemon(true);
        loader = t;
        t.start();
    }

    /** True once the start-up loading has ended (whatever its outcome), or when there is none. */
    public boolean finished() {
        Thread t = loader;
        return t == null || !t.isAlive();
    }

    void onStop(@Observes ShutdownEvent event) {
        Thread t = loader;
        if (t != null && t.isAlive()) {
            t.interrupt();
        }
    }
}
