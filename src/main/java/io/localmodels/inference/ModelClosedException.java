package io.localmodels.inference;

/** A run asked of a model whose session is closing (shutdown, or the model being replaced). */
public final class ModelClosedException extends IllegalStateException {

    public ModelClosedException(String modelId) {
        super("model " + modelId + " is closing (the service is shutting down)");
    }
}
