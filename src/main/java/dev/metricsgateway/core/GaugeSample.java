package dev.metricsgateway.core;

import java.util.List;

/** A gauge series' value; NaN when the window holds nothing to compute it from. */
public record GaugeSample(List<String> labelValues, double value) implements SeriesSample {

    public GaugeSample {
        labelValues = List.copyOf(labelValues);
    }
}
