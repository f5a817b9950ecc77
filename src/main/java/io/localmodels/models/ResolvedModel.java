package io.localmodels.models;

import java.nio.file.Path;
import java.util.Map;

/** A model whose every file is in the cache with the catalog's size and sha256. */
public record ResolvedModel(ModelSpec spec, Path directory, Map<String, Path> files) {

    public ResolvedModel {
        files = Map.copyOf(files);
    }

    public Path path(String fileName) {
        Path p = files.get(fileName);
        if (p == null) {
            throw new IllegalArgumentException("model " + spec.id() + " has no file " + fileName);
        }
        return p;
    }
}
