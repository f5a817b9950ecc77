package io.localmodels.models;

import jakarta.enterprise.inject.Instance;
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
    private final Instance<ModelPrefetch> prefetches;

    public ModelFetcher(ModelCatalog catalog, ModelCache cache, ModelsConfig config, Instance<ModelPrefetch> prefetches) {
        this.catalog = catalog;
        this.cache = cache;
        this.config = config;
        this.prefetches = prefetches;
    }

    /** Every catalog default plus every configured model id, then what the features fetch themselves (Whisper). */
    public List<String> targets() {
        Set<String> ids = new LinkedHashSet<>(catalogTargets());
        for (ModelPrefetch p : prefetches) {
            p.target().ifPresent(ids::add);
        }
        return List.copyOf(ids);
    }

    private Set<String> catalogTargets() {
        Set<String> ids = new LinkedHashSet<>();
        catalog.defaults().forEach(m -> ids.add(m.id()));
        ids.addAll(config.required());
        config.optional().ifPresent(ids::addAll);
        return ids;
    }

    /** Fetches and verifies every target; returns the failures, one line each. */
    public List<String> fetchAll() {
        List<String> failures = new ArrayList<>();
        for (String id : catalogTargets()) {
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
        for (ModelPrefetch p : prefetches) {
            var target = p.target();
            if (target.isEmpty()) {
                continue;
            }
            try {
                LOG.infof("fetch-only: %s ok: %s", target.get(), p.fetch());
            } catch (Exception e) {
                failures.add(target.get() + ": " + e.getMessage());
            }
        }
        return failures;
    }
}
