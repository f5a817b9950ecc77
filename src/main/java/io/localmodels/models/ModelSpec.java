package io.localmodels.models;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * A model the service can use, as listed in {@code models/catalog.json}: either pinned files
 * (size and sha256 in the catalog, fetched into the model cache) or a Hugging Face Hub repository
 * ({@code hub}), fetched into the Hugging Face cache with the sums the Hub publishes.
 */
public record ModelSpec(
        String id,
        String role,
        @JsonProperty("default") boolean isDefault,
        String description,
        String licence,
        String homepage,
        List<ModelFile> files,
        String hub,
        String download) {

    public ModelSpec {
        if (id == null || !id.matches("[a-z0-9][a-z0-9._-]*")) {
            throw new IllegalArgumentException("catalog model id must be lowercase [a-z0-9._-]: " + id);
        }
        if (role == null || role.isBlank()) {
            throw new IllegalArgumentException("catalog model " + id + " needs a role");
        }
        files = files == null ? List.of() : List.copyOf(files);
        if (files.isEmpty() && (hub == null || hub.isBlank())) {
            throw new IllegalArgumentException("catalog model " + id + " lists neither files nor a hub repository");
        }
        if (!files.isEmpty() && hub != null) {
            throw new IllegalArgumentException("catalog model " + id + " lists files and a hub repository; one or the other");
        }
    }

    public ModelSpec(String id, String role, boolean isDefault, String description, String licence, String homepage,
                     List<ModelFile> files) {
        this(id, role, isDefault, description, licence, homepage, files, null, null);
    }

    /** True for a Hub repository entry (no pinned files). */
    public boolean fromHub() {
        return hub != null;
    }
}
