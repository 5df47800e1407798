package dev.metricsgateway.core;

import dev.metricsgateway.catalog.MetricSpec;
import java.util.List;

/** One metric's series at one instant, sorted by label values so output is deterministic. */
public record MetricFamilySnapshot(MetricSpec spec, List<SeriesSample> samples) {

    public MetricFamilySnapshot {
        samples = List.copyOf(samples);
    }
}
