package dev.metricsgateway.core;

import dev.metricsgateway.catalog.MetricSpec;
import java.util.List;

/**
 * One metric's series at one instant. The core's snapshots list them sorted by label values so
 * output is deterministic: values compared label by label, labels taken in the order of their
 * names (the exposition's order), and say so with {@code sortedByLabels}; a writer sorts
 * samples that do not come with that promise.
 */
public record MetricFamilySnapshot(MetricSpec spec, List<SeriesSample> samples, boolean sortedByLabels) {

    public MetricFamilySnapshot {
        samples = List.copyOf(samples);
    }

    /** Samples in no promised order. */
    public MetricFamilySnapshot(MetricSpec spec, List<SeriesSample> samples) {
        this(spec, samples, false);
    }
}
