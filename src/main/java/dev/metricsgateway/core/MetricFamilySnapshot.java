package dev.metricsgateway.core;

import dev.metricsgateway.catalog.MetricSpec;
import java.util.List;

/**
 * One metric's series at one instant, sorted by label values so output is deterministic: values
 * compared label by label, labels taken in the order of their names (the exposition's order).
 */
public record MetricFamilySnapshot(MetricSpec spec, List<SeriesSample> samples) {

    public MetricFamilySnapshot {
        samples = List.copyOf(samples);
    }
}
