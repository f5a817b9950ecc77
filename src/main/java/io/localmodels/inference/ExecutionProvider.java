package io.localmodels.inference;

/** The ONNX Runtime execution provider a session actually runs on. */
public enum ExecutionProvider {
    CPU, CUDA;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
