package io.localmodels.health;

import io.localmodels.speaker.SpeakerService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Speaker labels: reported (ready with the voice print in use, loading, unavailable with why), never taking the service down. */
@Readiness
@ApplicationScoped
public class SpeakerReadinessCheck implements HealthCheck {

    private final SpeakerService speakers;

    public SpeakerReadinessCheck(SpeakerService speakers) {
        this.speakers = speakers;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("speakers").up()
                .withData("default", speakers.enabledByDefault() ? "on" : "off");
        String model = speakers.model();
        if (model != null) {
            return b.withData("state", "ready").withData("model", model).build();
        }
        String why = speakers.unavailable().orElse("not started");
        return b.withData("state", why.startsWith("loading") ? "loading" : "unavailable").withData("reason", why).build();
    }
}
