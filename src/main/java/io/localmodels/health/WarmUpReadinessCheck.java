package io.localmodels.health;

import io.localmodels.session.PipelineWarmUp;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** DOWN while the audio path runs once on synthetic audio at start-up, so the first real session is not the slow one. */
@Readiness
@ApplicationScoped
public class WarmUpReadinessCheck implements HealthCheck {

    private final PipelineWarmUp warmUp;

    public WarmUpReadinessCheck(PipelineWarmUp warmUp) {
        this.warmUp = warmUp;
    }

    @Override
    public HealthCheckResponse call() {
        boolean done = warmUp.done();
        return HealthCheckResponse.named("warm-up").status(done).withData("state", done ? "done" : "warming up").build();
    }
}
