package io.localmodels.speaker;

import io.localmodels.models.ModelPrefetch;
import io.localmodels.models.hub.DownloadProgress;
import io.localmodels.models.hub.HubException;
import io.localmodels.models.hub.HubFetcher;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.Optional;

/** The configured speaker model in fetch-only mode: downloaded into the Hugging Face cache, not opened. */
@Singleton
public class SpeakerPrefetch implements ModelPrefetch {

    private final SpeakerConfig config;
    private final HubFetcher hub;

    public SpeakerPrefetch(SpeakerConfig config, HubFetcher hub) {
        this.config = config;
        this.hub = hub;
    }

    @Override
    public Optional<String> target() {
        try {
            SpeakerModelSource s = SpeakerModelSource.parse(config.model());
            return s instanceof SpeakerModelSource.Builtin ? Optional.empty() : Optional.of("speaker model (" + s + ")");
        } catch (IOException e) {
            return Optional.of("speaker model (" + e.getMessage() + ")");
        }
    }

    @Override
    public String fetch() throws Exception {
        try {
            return SpeakerModelSource.locate(SpeakerModelSource.parse(config.model()), hub, new DownloadProgress()).toString();
        } catch (HubException e) {
            throw new Exception(e.describe(), e);
        }
    }
}
