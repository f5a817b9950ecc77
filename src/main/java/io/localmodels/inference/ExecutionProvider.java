package io.localmodels.inference;

import java.util.Locale;

/** The ONNX Runtime execution provider a session actually runs on. */
public enum ExecutionProvider {
    CPU, CUDA;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
