package io.localmodels;

import io.localmodels.models.ModelFetcher;
import io.localmodels.models.ModelsConfig;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;

import java.util.List;

/** Runs the service, or with {@code lma.models.fetch-only=true} fetches the models and exits. */
@QuarkusMain
public class Main {

    public static void main(String... args) {
        Quarkus.run(Service.class, args);
    }

    public static class Service implements QuarkusApplication {

        @Inject
        ModelsConfig config;

        @Inject
        ModelFetcher fetcher;

        @Override
        public int run(String... args) {
            if (!config.fetchOnly()) {
                Quarkus.waitForExit();
                return 0;
            }
            List<String> failures = fetcher.fetchAll();
            if (failures.isEmpty()) {
                System.out.println("fetch-only: all " + fetcher.targets().size() + " models present and verified in "
                        + config.cacheDir().toAbsolutePath());
                return 0;
            }
            System.err.println("fetch-only: " + failures.size() + " of " + fetcher.targets().size() + " models failed:");
            failures.forEach(f -> System.err.println("  - " + f));
            return 1;
        }
    }
}
