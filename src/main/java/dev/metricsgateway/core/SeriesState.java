package dev.metricsgateway.core;

/**
 * Base of every per-series state: when the series last saw an event, and whether it has been
 * evicted. Guarded by its own monitor (see {@link MetricAggregator}).
 */
abstract class SeriesState {

    /** Latest event time recorded, capped at the arrival time; drives the series TTL. */
    long lastEventMillis = Long.MIN_VALUE;
    /** Set under the monitor when the series is removed; a writer that still holds it looks again. */
    boolean evicted;
}
