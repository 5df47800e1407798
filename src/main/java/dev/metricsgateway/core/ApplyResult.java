package dev.metricsgateway.core;

/**
 * What applying a batch did.
 *
 * @param applied events aggregated
 * @param late    events older than the window: valid, but no windowed value can include them, so
 *                they were dropped (and the gateway counts them)
 */
public record ApplyResult(int applied, int late) {
}
