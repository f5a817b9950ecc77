package io.localmodels.analysis;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** {@code status}: ok, unavailable (no engine), failed (the engine did not deliver), pending, incomplete. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AnalysisStatus(String status, String engine, String model, String reason) {
}
