package io.localmodels.models;

import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Ahead-of-time fetch for air-gapped installs and Kubernetes init containers. */
@Singleton
public class ModelFetcher {

    private static final Logger LOG = Logger.getLogger(ModelFetcher.class);

    private final ModelCatalog catalog;
    private final ModelCache cache;
    private final ModelsConfig config;

    public ModelFetcher(ModelCatalog catalog, ModelCache cache, ModelsConfig config) {
        this.catalog = catalog;
        this.cache = cache;
        this.config = config;
    }

    /** Every catalog default plus every configured model id. */
    public List<String> targets() {
        Set<String> ids = new LinkedHashSet<>();
        catalog.defaults().forEach(m -> ids.add(m.id()));
        ids.addAll(config.required());
        config.optional().ifPresent(ids::addAll);
        return List.copyOf(ids);
    }

    /** Fetches and verifies every target; returns the failures, one line each. */
    public List<String> fetchAll() {
        List<String> failures = new ArrayList<>();
        for (String id : targets()) {
            var spec = catalog.find(id);
            if (spec.isEmpty()) {
                failures.add(id + ": unknown model id");
                continue;
            }
            try {
                ResolvedModel m = cache.resolve(spec.get());
                LOG.infof("fetch-only: %s ok in %s", id, m.directory());
            } catch (ModelUnavailableException e) {
                failures.add(id + ": " + String.join("; ", e.attempts()));
            }
        }
        return failures;
    }
}
