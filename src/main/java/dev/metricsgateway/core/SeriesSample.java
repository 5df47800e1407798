package dev.metricsgateway.core;

import java.util.List;

/** The computed value of one series in a snapshot. Immutable. */
public sealed interface SeriesSample permits GaugeSample, SummarySample {

    /** Label values in the order of the metric's labels. */
    List<String> labelValues();
}
