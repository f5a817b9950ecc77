package io.localmodels.models;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

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
    ModelCache cache(ModelsConfig config, MeterRegistry registry) {
        ModelsConfig.Download d = config.download();
        HttpModelDownloader downloader = null;
        if (d.enabled()) {
            Counter bytes = Counter.builder("lma.model.download.bytes")
                    .description("Model bytes received from download URLs")
                    .baseUnit("bytes")
                    .register(registry);
            downloader = new HttpModelDownloader(d.connectTimeout(), d.readTimeout(), d.retries(), d.retryBackoff(),
                    d.progressInterval(), bytes::increment);
        }
        return new ModelCache(config.cacheDir(), config.mirrors().orElse(List.of()), downloader, config.rehashOnStart());
    }
}
