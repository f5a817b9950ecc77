package io.localmodels.models;

import java.util.List;

/** A model that is in neither the cache nor a mirror and could not be downloaded. */
public class ModelUnavailableException extends Exception {

    private final String modelId;
    private final List<String> attempts;
    private final String hint;

    public ModelUnavailableException(String modelId, List<String> attempts, String hint) {
        super("model " + modelId + " is not available: " + String.join("; ", attempts));
        this.modelId = modelId;
        this.attempts = List.copyOf(attempts);
        this.hint = hint;
    }

    public String modelId() {
        return modelId;
    }

    public List<String> attempts() {
        return attempts;
    }

    /** What an operator can do about it. */
    public String hint() {
        return hint;
    }

    /** True when some copy was found but rejected (hash/size), as opposed to simply absent. */
    public boolean sawCorruptCopy() {
        return attempts.stream().anyMatch(a -> a.contains("mismatch"));
    }
}
