package dev.metricsgateway.catalog;

import java.util.Locale;

/** How a metric's value is derived from the events of its event type, over the sliding window W. */
public enum Aggregation {
    /** Σ value / W, where value is the source field or 1 per event. */
    RATE,
    /** 100 × events matching {@code where} / all events of the event type, in the window. */
    PERCENT_OF_EVENTS,
    /** Maximum of the value source over the window. */
    MAX,
    /** Σ weight × value / Σ weight over the window (weight 1 per event when none is given). */
    MEAN,
    /** Maximum over instances of each instance's latest sample, for instances younger than the instance TTL. */
    MAX_OF_LATEST,
    /** Quantiles of the value source over the window, with cumulative count and sum. */
    SUMMARY;

    /** The spelling used in catalog files. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Aggregation parse(String text) {
        for (Aggregation aggregation : values()) {
            if (aggregation.wireName().equals(text)) {
                return aggregation;
            }
        }
        throw new IllegalArgumentException(text + ": unknown aggregation (expected rate, percent_of_events, max, mean, max_of_latest or summary)");
    }
}
