package dev.metricsgateway.catalog;

/** A metric's {@code where}: only events whose numeric {@code field} lies in [min, max] count. */
public record RangeFilter(String field, double min, double max) {

    public boolean accepts(double value) {
        return value >= min && value <= max;
    }
}
