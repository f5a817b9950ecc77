package io.localmodels.models;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** A model the service can use, as listed in {@code models/catalog.json}. */
public record ModelSpec(
        String id,
        String role,
        @JsonProperty("default") boolean isDefault,
        String description,
        String licence,
        String homepage,
        List<ModelFile> files) {

    public ModelSpec {
        if (id == null || !id.matches("[a-z0-9][a-z0-9._-]*")) {
            throw new IllegalArgumentException("catalog model id must be lowercase [a-z0-9._-]: " + id);
        }
        if (role == null || role.isBlank()) {
            throw new IllegalArgumentException("catalog model " + id + " needs a role");
        }
        files = files == null ? List.of() : List.copyOf(files);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("catalog model " + id + " lists no files");
        }
    }
}
