package dev.metricsgateway.core;

import java.util.List;

/** A gauge series' value; NaN when the window holds nothing to compute it from. */
public record GaugeSample(List<String> labelValues, double value) implements SeriesSample {

    public GaugeSample {
        // the core's own view is read-only already (and carries the series' cached label text)
        labelValues = labelValues instanceof SeriesLabels ? labelValues : List.copyOf(labelValues);
    }
}
