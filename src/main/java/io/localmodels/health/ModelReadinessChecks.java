package io.localmodels.health;

import io.localmodels.inference.ConfiguredModel;
import io.localmodels.inference.ModelRegistry;
import io.localmodels.inference.ModelState;
import io.localmodels.inference.OnnxRuntime;
import io.localmodels.inference.ProviderChoice;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.HealthRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * One readiness entry per configured model ({@code model:<id>}) and one for the execution
 * provider. A required model that is not loaded makes the service DOWN; an optional one is
 * reported with its state and reason but leaves the service UP.
 */
@ApplicationScoped
public class ModelReadinessChecks {

    @Inject
    @Readiness
    HealthRegistry readiness;

    @Inject
    ModelRegistry models;

    @Inject
    OnnxRuntime runtime;

    void register(@Observes StartupEvent event) {
        for (ConfiguredModel m : models.configured()) {
            readiness.register("model:" + m.id(), () -> check(m));
        }
        readiness.register("inference", this::inference);
    }

    private HealthCheckResponse check(ConfiguredModel m) {
        ModelState state = models.state(m.id());
        HealthCheckResponseBuilder b = HealthCheckResponse.named("model:" + m.id())
                .withData("role", m.role())
                .withData("required", m.required())
                .withData("state", state.label());
        boolean up = !m.required();
        if (state instanceof ModelState.Loaded l) {
            up = true;
            b.withData("provider", l.provider().label())
                    .withData("file", l.files().stream().map(Path::toString).collect(Collectors.joining(",")));
            if (l.providerNote() != null) {
                b.withData("provider_reason", l.providerNote());
            }
        } else {
            b.withData("reason", state.reason() != null ? state.reason() : "fetching and opening the model");
            if (state.hint() != null) {
                b.withData("hint", state.hint());
            }
        }
        return b.status(up).build();
    }

    private HealthCheckResponse inference() {
        ProviderChoice c = runtime.choice();
        return HealthCheckResponse.named("inference")
                .withData("provider", c.provider().label())
                .withData("reason", c.reason())
                .withData("onnxruntime", runtime.environment().getVersion())
                .status(c.usable())
                .build();
    }
}
