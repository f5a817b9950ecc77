package io.localmodels.api.gemini;

import io.smallrye.config.ConfigMapping;

import java.util.List;
import java.util.Optional;

/** The Gemini API (lma.gemini.*); defaults are in the README's configuration table. */
@ConfigMapping(prefix = "lma.gemini")
public interface GeminiConfig {

    /**
     * Model names the model list shows besides the local model (e.g. gemini-2.5-flash), for apps that
     * look their model up in the list; every name, listed or not, is answered by the local LLM.
     */
    Optional<List<String>> models();
}
