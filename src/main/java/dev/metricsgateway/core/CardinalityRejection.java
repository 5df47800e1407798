package dev.metricsgateway.core;

/**
 * Why a batch was refused for cardinality: the first event (0-based index in the batch) that
 * would have created a series beyond a limit, the metric concerned (or {@code null} for the limit
 * on all metrics together), and the limit.
 */
public record CardinalityRejection(int eventIndex, String metric, long limit) implements Admission {

    /** A one-line explanation for the client. */
    public String message() {
        return metric == null
                ? "would create a series beyond the limit of " + limit + " series over all metrics"
                : "would create a series of " + metric + " beyond its limit of " + limit + " series";
    }
}
