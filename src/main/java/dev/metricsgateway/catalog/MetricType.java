package dev.metricsgateway.catalog;

/** The OpenMetrics type of a catalog metric. */
public enum MetricType {
    GAUGE, SUMMARY
}
