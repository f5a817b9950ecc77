package io.localmodels.asr;

import io.localmodels.models.ModelPrefetch;
import io.localmodels.models.hub.DownloadProgress;
import io.localmodels.models.hub.HubException;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.Optional;

/** The configured Whisper model in fetch-only mode: downloaded into the Hugging Face cache, not opened. */
@Singleton
public class WhisperPrefetch implements ModelPrefetch {

    private final WhisperLocator locator;

    public WhisperPrefetch(WhisperLocator locator) {
        this.locator = locator;
    }

    @Override
    public Optional<String> target() {
        try {
            WhisperLocator.Source s = locator.source();
            if (s instanceof WhisperLocator.Folder f) {
                return Optional.of("whisper (folder " + f.dir() + ")");
            }
            if (s instanceof WhisperLocator.Hub h) {
                return Optional.of("whisper (" + h.ref() + ")");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("whisper (" + e.getMessage() + ")");
        }
    }

    @Override
    public String fetch() throws Exception {
        try {
            WhisperLocator.Located at = locator.locate(locator.source(), new DownloadProgress());
            return at.label() + ", precision " + at.precision() + ", in " + at.dir();
        } catch (HubException e) {
            throw new Exception(e.describe(), e);
        }
    }
}
