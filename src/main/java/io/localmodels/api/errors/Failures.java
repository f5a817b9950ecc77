package io.localmodels.api.errors;

import java.util.concurrent.CompletionException;

/** Failures that come back through a CompletableFuture. */
public final class Failures {

    private Failures() {
    }

    /** The failure as it was thrown, not the CompletionException a dependent stage wrapped it in; null stays null. */
    public static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
