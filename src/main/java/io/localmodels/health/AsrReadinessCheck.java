package io.localmodels.health;

import io.localmodels.asr.AsrService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Speech recognition: DOWN only while a configured Whisper model is still loading. Without a model,
 * or when it failed to load, the service still serves VAD and vision, so readiness stays UP and says
 * why there are no transcripts.
 */
@Readiness
@ApplicationScoped
public class AsrReadinessCheck implements HealthCheck {

    private final AsrService asr;

    public AsrReadinessCheck(AsrService asr) {
        this.asr = asr;
    }

    @Override
    public HealthCheckResponse call() {
        AsrService.State state = asr.state();
        // Downloading can take many minutes; sessions work meanwhile (speech events, vision), so that is UP.
        // Opening the model is short and stays DOWN, so a fresh replica takes no traffic it would turn away.
        HealthCheckResponseBuilder b = HealthCheckResponse.named("asr").status(state != AsrService.State.LOADING)
                .withData("state", state.name().toLowerCase());
        if (state == AsrService.State.DOWNLOADING) {
            b.withData("progress", asr.progress().percent() + " %");
        }
        if (asr.modelName() != null) {
            b.withData("model", asr.modelName());
        }
        if (asr.reason() != null) {
            b.withData("reason", asr.reason());
        }
        if (asr.hint() != null) {
            b.withData("hint", asr.hint());
        }
        return b.build();
    }
}
