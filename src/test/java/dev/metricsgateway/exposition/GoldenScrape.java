package dev.metricsgateway.exposition;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.ApplyResult;
import dev.metricsgateway.core.Event;
import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.core.WindowSettings;
import dev.metricsgateway.testing.TestEvents;
import java.util.List;
import java.util.Map;

/**
 * The fixed scrape behind the golden files: events of all five types of the default catalog,
 * dated inside the default 300 s window before {@link #NOW}, whose values are easy to work out by
 * hand (the expected value of every series is in the comments below and in
 * {@code ExpositionGoldenTest}).
 *
 * <p>{@link #NOW} has a non-zero millisecond part, so that a timestamp written in the wrong unit
 * or rounded to the second shows in the golden text.
 */
final class GoldenScrape {

    /** 2023-11-14T22:13:20.123Z: the scrape's computation time, the timestamp of every sample. */
    static final long NOW = 1_700_000_000_123L;

    private GoldenScrape() {
    }

    /** The engine's snapshot at {@link #NOW} after the fixed events. */
    static GatewaySnapshot snapshot() {
        AggregationEngine engine = new AggregationEngine(CatalogLoader.loadDefault(), WindowSettings.defaults());
        ApplyResult result = engine.apply(events(engine), NOW);
        if (result.late() != 0) {
            throw new IllegalStateException(result + ": the golden events must all lie in the window");
        }
        return engine.snapshot(NOW);
    }

    /** The fixed events, built with {@code engine}'s schemas, to be applied at {@link #NOW}. */
    static List<Event> events(AggregationEngine engine) {
        var schemas = engine.schemas();
        return List.of(
                // feature_request: 3 in us-west-2 (fs-1 twice, fs-2 once), 1 in eu-west-1 (fs-2);
                // statuses 200, 503, 200, 404 → errors 503 and 404 are 25 % each.
                TestEvents.event(schemas, "feature_request", NOW - 10_000, Map.of(
                        "aws_region", "us-west-2", "feature_service_id", "fs-1", "feature_service_name", "fraud_detection",
                        "latency_seconds", 0.004, "status", 200)),
                TestEvents.event(schemas, "feature_request", NOW - 20_000, Map.of(
                        "aws_region", "us-west-2", "feature_service_id", "fs-1", "feature_service_name", "fraud_detection",
                        "latency_seconds", 0.020, "status", 503)),
                TestEvents.event(schemas, "feature_request", NOW - 30_000, Map.of(
                        "aws_region", "us-west-2", "feature_service_id", "fs-2", "feature_service_name", "recommendations",
                        "latency_seconds", 0.010, "status", 200)),
                TestEvents.event(schemas, "feature_request", NOW - 40_000, Map.of(
                        "aws_region", "eu-west-1", "feature_service_id", "fs-2", "feature_service_name", "recommendations",
                        "latency_seconds", 0.012, "status", 404)),

                // server_utilization: us-west-2 max(37.5, 61.25) = 61.25; i-3 (90) is older than the
                // 60 s instance TTL and does not count.
                TestEvents.event(schemas, "server_utilization", NOW - 5_000, Map.of(
                        "aws_region", "us-west-2", "instance", "i-1", "utilization_percent", 37.5)),
                TestEvents.event(schemas, "server_utilization", NOW - 15_000, Map.of(
                        "aws_region", "us-west-2", "instance", "i-2", "utilization_percent", 61.25)),
                TestEvents.event(schemas, "server_utilization", NOW - 70_000, Map.of(
                        "aws_region", "us-west-2", "instance", "i-3", "utilization_percent", 90.0)),

                // stream_batch on prod/user_txn/fv-1: ages 90 s and 45 s (max 90); weighted mean age
                // (1000 × 30 + 500 × 15) / 1500 = 25 s; input 1800 / 300 = 6; processed 1500 / 300 = 5;
                // online 1200 / 300 = 4.
                TestEvents.event(schemas, "stream_batch", NOW - 30_000, Map.of(
                        "workspace", "prod", "feature_view_name", "user_txn", "feature_view_id", "fv-1",
                        "input_rows", 1200, "processed_rows", 1000, "online_store_rows", 900,
                        "min_event_time", NOW - 30_000 - 90_000, "avg_event_time", NOW - 30_000 - 30_000)),
                TestEvents.event(schemas, "stream_batch", NOW - 60_000, Map.of(
                        "workspace", "prod", "feature_view_name", "user_txn", "feature_view_id", "fv-1",
                        "input_rows", 600, "processed_rows", 500, "online_store_rows", 300,
                        "min_event_time", NOW - 60_000 - 45_000, "avg_event_time", NOW - 60_000 - 15_000)),

                // served_feature on prod/user_txn/fv-1: ages 12 s and 18 s, mean 15 s.
                TestEvents.event(schemas, "served_feature", NOW - 10_000, Map.of(
                        "workspace", "prod", "feature_view_name", "user_txn", "feature_view_id", "fv-1",
                        "feature_time", NOW - 10_000 - 12_000)),
                TestEvents.event(schemas, "served_feature", NOW - 20_000, Map.of(
                        "workspace", "prod", "feature_view_name", "user_txn", "feature_view_id", "fv-1",
                        "feature_time", NOW - 20_000 - 18_000)),

                // ingest_request in us-east-1: 3 requests (rate 0.01), one 4xx and one 5xx (1/300 each);
                // writes: fv-1 online 30 + 30 = 60 (0.2), offline 120 (0.4); fv-3 online 3 (0.01), offline 6 (0.02).
                TestEvents.event(schemas, "ingest_request", NOW - 5_000, Map.of(
                        "aws_region", "us-east-1", "latency_seconds", 0.15, "status", 200,
                        "writes", List.of(write("prod", "user_txn", "fv-1", 30, 60)))),
                TestEvents.event(schemas, "ingest_request", NOW - 6_000, Map.of(
                        "aws_region", "us-east-1", "latency_seconds", 0.9, "status", 500)),
                TestEvents.event(schemas, "ingest_request", NOW - 7_000, Map.of(
                        "aws_region", "us-east-1", "latency_seconds", 0.3, "status", 429,
                        "writes", List.of(write("prod", "user_txn", "fv-1", 30, 60), write("staging", "txn_counts", "fv-3", 3, 6)))));
    }

    private static Map<String, Object> write(String workspace, String name, String id, long onlineRows, long offlineRows) {
        return Map.of("workspace", workspace, "feature_view_name", name, "feature_view_id", id,
                "online_rows", onlineRows, "offline_rows", offlineRows);
    }
}
