package io.localmodels.health;

import io.localmodels.tts.SpeechService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Locale;

/**
 * Speech output: off, loading, ready (engine, voices) or unavailable with the reason. Always UP:
 * audio, vision and the LLM take traffic without it; /v1/audio/speech answers 503 with the reason.
 */
@Readiness
@ApplicationScoped
public class TtsReadinessCheck implements HealthCheck {

    private final SpeechService speech;

    public TtsReadinessCheck(SpeechService speech) {
        this.speech = speech;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("tts").up()
                .withData("state", speech.state().name().toLowerCase(Locale.ROOT));
        speech.describe().forEach((k, v) -> b.withData(k, String.valueOf(v)));
        if (speech.reason() != null) {
            b.withData("reason", speech.reason());
        }
        return b.build();
    }
}
