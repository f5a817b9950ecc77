package io.localmodels.health;

import io.localmodels.session.GracefulShutdown;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** DOWN from the first moment of a graceful shutdown, so no new traffic is routed here. */
@Readiness
@ApplicationScoped
public class DrainReadinessCheck implements HealthCheck {

    private final GracefulShutdown shutdown;

    public DrainReadinessCheck(GracefulShutdown shutdown) {
        this.shutdown = shutdown;
    }

    @Override
    public HealthCheckResponse call() {
        boolean draining = shutdown.draining();
        return HealthCheckResponse.named("draining").status(!draining).withData("state", draining ? "shutting down" : "serving").build();
    }
}
