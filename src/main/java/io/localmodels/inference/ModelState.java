package io.localmodels.inference;

import java.nio.file.Path;
import java.util.List;

/** Where one configured model stands; shown per model in readiness and {@code GET /models}. */
public sealed interface ModelState {

    String label();

    /** Why the model is not usable (missing, failed); null otherwise. */
    default String reason() {
        return null;
    }

    /** What an operator can do about a missing model; null otherwise. */
    default String hint() {
        return null;
    }

    /** The provider the sessions run on once loaded; null otherwise. */
    default ExecutionProvider provider() {
        return null;
    }

    /** Not attempted yet, or being fetched and opened right now. */
    record Loading() implements ModelState {
        public String label() {
            return "loading";
        }
    }

    record Loaded(ExecutionProvider provider, List<Path> files, long loadMillis, String providerNote) implements ModelState {
        public String label() {
            return "loaded";
        }
    }

    /** Not in the cache, no mirror had it and it could not be downloaded. */
    record Missing(String reason, String hint) implements ModelState {
        public String label() {
            return "missing";
        }
    }

    /** Present but unusable: unknown id, corrupt, wrong inputs/outputs, provider failure. */
    record Failed(String reason) implements ModelState {
        public String label() {
            return "failed";
        }
    }
}
