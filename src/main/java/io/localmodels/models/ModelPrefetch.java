package io.localmodels.models;

import java.util.Optional;

/**
 * A model that a feature fetches itself (a Whisper export from the Hugging Face Hub, say), so that
 * the fetch-only mode (init containers, air-gapped preparation) fetches it too.
 */
public interface ModelPrefetch {

    /** What would be fetched, for the report; empty when the feature is configured off. */
    Optional<String> target();

    /** Fetches and verifies it; answers where it now is. */
    String fetch() throws Exception;
}
