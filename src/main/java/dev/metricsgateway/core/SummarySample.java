package dev.metricsgateway.core;

import java.util.List;

/**
 * A summary series: window quantiles (in the order of {@link Quantiles}, NaN when the window is
 * empty) and the cumulative count and sum since the series appeared.
 */
public record SummarySample(List<String> labelValues, double[] quantileValues, long count, double sum) implements SeriesSample {

    public SummarySample {
        // the core's own view is read-only already (and carries the series' cached label text)
        labelValues = labelValues instanceof SeriesLabels ? labelValues : List.copyOf(labelValues);
        quantileValues = quantileValues.clone();
        if (quantileValues.length != Quantiles.count()) {
            throw new IllegalArgumentException(quantileValues.length + ": a summary has " + Quantiles.count() + " quantiles");
        }
        for (double value : quantileValues) {
            if (value < 0) {
                throw new IllegalArgumentException(value + ": quantiles are >= 0 or NaN");
            }
        }
        if (count < 0) {
            throw new IllegalArgumentException(count + ": count must be >= 0");
        }
    }

    /** The value of quantile {@code index} (see {@link Quantiles#at}). */
    public double quantileValue(int index) {
        return quantileValues[index];
    }

    @Override
    public double[] quantileValues() {
        return quantileValues.clone();
    }
}
