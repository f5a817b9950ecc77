package io.localmodels.inference;

/** A model the configuration asks for; {@code required} ones gate readiness. */
public record ConfiguredModel(String id, String role, boolean required) {
}
