package io.localmodels.models;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.localmodels.models.hub.HubClient;
import io.localmodels.models.hub.HubConfig;
import io.localmodels.models.hub.HubFetcher;
import io.localmodels.models.hub.HubSettings;
import org.jboss.logging.Logger;

import java.util.List;

/** CDI wiring of the catalog and the cache from {@link ModelsConfig}. */
@ApplicationScoped
public class ModelsProducer {

    @Produces
    @Singleton
    ModelCatalog catalog() {
        return ModelCatalog.fromClasspath();
    }

    @Produces
    @Singleton
    HubFetcher hub(HubConfig config, ModelsConfig models, MeterRegistry registry) {
        HubSettings settings = HubSettings.resolve(config, System.getenv());
        Logger.getLogger(HubFetcher.class).infof("Hugging Face Hub: %s, cache %s%s%s", settings.endpoint(), settings.cacheDir(),
                settings.token().isPresent() ? ", token set" : "", settings.offline() ? ", offline (HF_HUB_OFFLINE)" : "");
        ModelsConfig.Download d = models.download();
        return new HubFetcher(settings, new HubClient(settings, d.connectTimeout(), d.readTimeout(), stallRule(d)), d.retries(),
                d.retryBackoff(), d.progressInterval(), downloadedBytes(registry)::increment);
    }

    private static StallRule stallRule(ModelsConfig.Download d) {
        return new StallRule(d.minBytesPerSecond(), d.stallWindow());
    }

    private static Counter downloadedBytes(MeterRegistry registry) {
        return Counter.builder("lma.model.download.bytes")
                .description("Model bytes received from download URLs and the Hugging Face Hub")
                .baseUnit("bytes")
                .register(registry);
    }

    @Produces
    @Singleton
    ModelCache cache(ModelsConfig config, MeterRegistry registry) {
        ModelsConfig.Download d = config.download();
        HttpModelDownloader downloader = null;
        if (d.enabled()) {
            Counter bytes = downloadedBytes(registry);
            downloader = new HttpModelDownloader(d.connectTimeout(), d.readTimeout(), d.retries(), d.retryBackoff(),
                    d.progressInterval(), bytes::increment, stallRule(d));
        }
        return new ModelCache(config.cacheDir(), config.mirrors().orElse(List.of()), downloader, config.rehashOnStart());
    }
}
