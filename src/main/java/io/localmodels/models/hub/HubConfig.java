package io.localmodels.models.hub;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code lma.models.hub.*}: the Hugging Face Hub client. Unset values come from the environment as
 * huggingface_hub reads it (see {@link HubSettings}). Timeouts, retries and the progress interval
 * are the downloads' own ({@code lma.models.download.*}).
 */
@ConfigMapping(prefix = "lma.models.hub")
public interface HubConfig {

    /** The Hub or a mirror of it; default HF_ENDPOINT, else https://huggingface.co. */
    Optional<String> endpoint();

    /** The Hugging Face cache; default HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub. */
    Optional<Path> cacheDir();

    /** Token for gated and private repositories; default HF_TOKEN, else the huggingface-cli login file. Never logged. */
    Optional<String> token();

    /** Cache only, no request at all; default HF_HUB_OFFLINE. */
    Optional<Boolean> offline();
}
