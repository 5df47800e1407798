package dev.metricsgateway.cluster;

import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.Event;
import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.core.SummarySample;
import dev.metricsgateway.testing.TestEvents;
import java.util.List;
import java.util.Map;

/** Events of one fixed series, and reading its totals out of a snapshot. */
final class ClusterEvents {

    private ClusterEvents() {
    }

    /** A feature_request of one fixed series (fs-1), the summary {@code feature_service_latency}'s. */
    static Event request(AggregationEngine engine, long time, double latencySeconds) {
        return TestEvents.event(engine.schemas(), "feature_request", time, Map.of("aws_region", "us-west-2",
                "feature_service_id", "fs-1", "feature_service_name", "svc", "latency_seconds", latencySeconds, "status", 200));
    }

    /** The {@code _count} of {@code metric}'s series with {@code labels}, or -1 when it is not served. */
    static long count(GatewaySnapshot snapshot, String metric, List<String> labels) {
        return snapshot.families().stream().filter(family -> family.spec().name().equals(metric))
                .flatMap(family -> family.samples().stream())
                .filter(sample -> sample.labelValues().equals(labels))
                .mapToLong(sample -> ((SummarySample) sample).count())
                .findFirst().orElse(-1);
    }

    /** The {@code _sum} of the summary {@code metric}'s series {@code labels}, NaN when it is not served. */
    static double sum(GatewaySnapshot snapshot, String metric, List<String> labels) {
        return snapshot.families().stream().filter(family -> family.spec().name().equals(metric))
                .flatMap(family -> family.samples().stream())
                .filter(sample -> sample.labelValues().equals(labels))
                .mapToDouble(sample -> ((SummarySample) sample).sum())
                .findFirst().orElse(Double.NaN);
    }
}
