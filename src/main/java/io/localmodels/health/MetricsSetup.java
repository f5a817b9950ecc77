package io.localmodels.health;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The service's own timers and summaries publish histogram buckets, so Prometheus can aggregate
 * p50/p95/p99 across pods (client-side percentiles cannot be averaged); the dashboard uses them.
 */
public class MetricsSetup {

    @Produces
    @Singleton
    MeterFilter histograms() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                boolean ours = id.getName().startsWith("lma.") || id.getName().startsWith("lma_");
                boolean distribution = id.getType() == Meter.Type.TIMER || id.getType() == Meter.Type.DISTRIBUTION_SUMMARY;
                return ours && distribution ? DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config) : config;
            }
        };
    }
}
