package dev.metricsgateway.core;

/**
 * Base of every per-series state: when the series last saw an event, and whether it has been
 * evicted. Guarded by its own monitor (see {@link MetricAggregator}).
 *
 * <p>A state is also its series' key: it holds the label values and equals any key of the same
 * values, so a lookup that finds a series in the map reads one object where a separate key cost
 * one more cache miss per input. Being equal by label values, two states of one series (one
 * evicted, one new) are equal: remove a state from the map by identity, never by {@code equals}.
 */
abstract class SeriesState extends LabelValues {

    /** Latest event time recorded, capped at the arrival time; drives the series TTL. */
    long lastEventMillis = Long.MIN_VALUE;
    /** Set under the monitor when the series is removed; a writer that still holds it looks again. */
    boolean evicted;
    /**
     * This series' position in its aggregator's last snapshot order: a hint that lets the next
     * snapshot skip sorting series it has seen before. Written by snapshots outside the monitor,
     * so only trusted when the aggregator's last order holds this very state at that position.
     */
    int snapshotRank = -1;

    SeriesState(LabelValues key) {
        super(key);
    }
}
