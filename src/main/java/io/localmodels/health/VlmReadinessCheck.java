package io.localmodels.health;

import io.localmodels.vision.VlmEngine;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** The optional vision-language model: reported (ok, degraded, disabled), never taking the service down. */
@Readiness
@ApplicationScoped
public class VlmReadinessCheck implements HealthCheck {

    private final VlmEngine vlm;

    public VlmReadinessCheck(VlmEngine vlm) {
        this.vlm = vlm;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("vlm").up().withData("state", vlm.state());
        if (vlm.configured()) {
            b.withData("model", vlm.model());
            if (vlm.lastError() != null) {
                b.withData("reason", vlm.lastError() + "; frames get the template description meanwhile");
            }
        }
        return b.build();
    }
}
