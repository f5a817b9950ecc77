package io.localmodels.llm;

import io.localmodels.models.ModelPrefetch;
import io.localmodels.models.hub.DownloadProgress;
import io.localmodels.models.hub.HubException;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.Optional;

/** The configured GGUF in fetch-only mode: downloaded into the Hugging Face cache and its header checked, not opened. */
@Singleton
public class LlmPrefetch implements ModelPrefetch {

    private final LlmLocator locator;

    public LlmPrefetch(LlmLocator locator) {
        this.locator = locator;
    }

    @Override
    public Optional<String> target() {
        try {
            LlmLocator.Source s = locator.source();
            if (s instanceof LlmLocator.LocalFile f) {
                return Optional.of("llm (file " + f.file() + ")");
            }
            if (s instanceof LlmLocator.Hub h) {
                return Optional.of("llm (" + h + ")");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("llm (" + e.getMessage() + ")");
        }
    }

    @Override
    public String fetch() throws Exception {
        try {
            var file = locator.locate(locator.source(), new DownloadProgress());
            GgufInfo info = GgufInfo.read(file).requireRunnable(file);
            return file + " (" + info.architecture() + (info.splitCount() > 1 ? ", " + info.splitCount() + " parts" : "") + ")";
        } catch (HubException e) {
            throw new Exception(e.describe(), e);
        }
    }
}
