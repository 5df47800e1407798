package dev.metricsgateway.core;

/**
 * What applying a batch did.
 *
 * @param applied   events aggregated
 * @param late      events older than the window: valid, but no windowed value can include them, so
 *                  they were dropped (and the gateway counts them)
 * @param rejection why nothing was applied, or {@code null} when the batch was applied
 */
public record ApplyResult(int applied, int late, CardinalityRejection rejection) {

    /** A batch that was applied. */
    public ApplyResult(int applied, int late) {
        this(applied, late, null);
    }

    static ApplyResult refused(CardinalityRejection rejection) {
        return new ApplyResult(0, 0, rejection);
    }

    /** Whether the batch was applied (it is refused as a whole or not at all). */
    public boolean isApplied() {
        return rejection == null;
    }
}
