package io.localmodels.health;

import io.localmodels.asr.AsrService;
import io.localmodels.inference.ModelStartup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/**
 * /q/health/started: UP once start-up model loading has ended (loaded or failed), so a Kubernetes
 * startupProbe holds liveness checks back exactly as long as loading takes.
 */
@Startup
@ApplicationScoped
public class StartupCheck implements HealthCheck {

    private final ModelStartup models;
    private final AsrService asr;

    public StartupCheck(ModelStartup models, AsrService asr) {
        this.models = models;
        this.asr = asr;
    }

    @Override
    public HealthCheckResponse call() {
        boolean done = models.finished() && asr.state() != AsrService.State.LOADING;
        return HealthCheckResponse.named("model-loading").status(done).withData("state", done ? "done" : "loading").build();
    }
}
