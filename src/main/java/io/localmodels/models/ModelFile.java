package io.localmodels.models;

import java.net.URI;
import java.util.List;

/**
 * One file of a model as the catalog pins it. {@code onnx} is present for files the service opens
 * as an ONNX Runtime session; other files (tokenizers, configs) only travel with the model.
 */
public record ModelFile(String name, long size, String sha256, List<URI> urls, OnnxIoSpec onnx) {

    public ModelFile {
        if (name == null || name.isBlank() || name.contains("..") || name.startsWith("/")) {
            throw new IllegalArgumentException("catalog file name must be a relative path inside the model folder: " + name);
        }
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("catalog file " + name + " needs a lowercase hex sha256, got: " + sha256);
        }
        if (size <= 0) {
            throw new IllegalArgumentException("catalog file " + name + " needs its size in bytes");
        }
        urls = urls == null ? List.of() : List.copyOf(urls);
    }

    public boolean isOnnxModel() {
        return onnx != null;
    }
}
