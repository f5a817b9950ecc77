package io.localmodels.inference;

/** Asked for a session of a model that is not loaded (missing, failed or still loading). */
public class ModelNotReadyException extends RuntimeException {

    private final String modelId;
    private final ModelState state;

    public ModelNotReadyException(String modelId, ModelState state) {
        super("model " + modelId + " is " + (state == null ? "not configured" : state.label()));
        this.modelId = modelId;
        this.state = state;
    }

    public String modelId() {
        return modelId;
    }

    public ModelState state() {
        return state;
    }
}
