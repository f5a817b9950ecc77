package io.localmodels.health;

import io.localmodels.llm.LlmService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Locale;

/**
 * The embedded LLM: disabled, downloading (with progress), loading, ready or failed. Always UP: it
 * only serves the session analysis at the end of a session and /v1/chat/completions, so the audio
 * and vision paths take traffic while it downloads or after it failed (the state says why).
 */
@Readiness
@ApplicationScoped
public class LlmReadinessCheck implements HealthCheck {

    private final LlmService llm;

    public LlmReadinessCheck(LlmService llm) {
        this.llm = llm;
    }

    @Override
    public HealthCheckResponse call() {
        LlmService.State state = llm.state();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("llm").up().withData("state", state.name().toLowerCase(Locale.ROOT));
        if (state == LlmService.State.DOWNLOADING) {
            b.withData("progress", llm.progress().percent() + " %");
        }
        if (llm.modelName() != null) {
            b.withData("model", llm.modelName());
        }
        if (llm.reason() != null) {
            b.withData("reason", llm.reason());
        }
        if (llm.hint() != null) {
            b.withData("hint", llm.hint());
        }
        return b.build();
    }
}
