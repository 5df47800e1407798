package dev.metricsgateway.core;

/**
 * Cardinality limits: how many live series one metric, and all metrics together, may hold. A
 * batch that would create a series beyond either is refused whole; existing series keep working.
 */
public record SeriesLimits(int maxSeriesPerMetric, long maxSeriesTotal) {

    public static final int DEFAULT_MAX_SERIES_PER_METRIC = 100_000;
    public static final long DEFAULT_MAX_SERIES_TOTAL = 1_000_000;

    public SeriesLimits {
        if (maxSeriesPerMetric < 1 || maxSeriesTotal < 1) {
            throw new IllegalArgumentException(maxSeriesPerMetric + "/" + maxSeriesTotal + ": series limits must be positive");
        }
    }

    public static SeriesLimits defaults() {
        return new SeriesLimits(DEFAULT_MAX_SERIES_PER_METRIC, DEFAULT_MAX_SERIES_TOTAL);
    }

    /** No practical limit, for tests of other behaviour. */
    public static SeriesLimits unlimited() {
        return new SeriesLimits(Integer.MAX_VALUE, Long.MAX_VALUE);
    }
}
