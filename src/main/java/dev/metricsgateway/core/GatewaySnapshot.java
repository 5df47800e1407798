package dev.metricsgateway.core;

import java.util.List;

/**
 * Every metric of the catalog computed at one instant. {@code computedAtMillis} is the timestamp
 * each sample carries on the wire: one per scrape, as the contract asks.
 */
public record GatewaySnapshot(long computedAtMillis, List<MetricFamilySnapshot> families) {

    public GatewaySnapshot {
        families = List.copyOf(families);
    }
}
