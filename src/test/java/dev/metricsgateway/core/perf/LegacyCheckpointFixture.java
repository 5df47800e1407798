package dev.metricsgateway.core.perf;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.Event;
import dev.metricsgateway.core.WindowSettings;
import dev.metricsgateway.exposition.ExpositionFormat;
import dev.metricsgateway.exposition.ExpositionWriter;
import dev.metricsgateway.testing.TestEvents;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Not a test: writes the fixture of {@code LegacyCheckpointTest}, a checkpoint and the scrape the
 * engine that wrote it served, using only public API, so that it can be run against the classes
 * of an earlier commit (it was, against 0eb0666, whose windows were rings of W slots):
 *
 * <pre>
 * java -cp target/test-classes:OLD_CLASSES:$(cat target/cp.txt) dev.metricsgateway.core.perf.LegacyCheckpointFixture src/test/resources/checkpoint
 * </pre>
 *
 * Traffic: every event type, in 40 seconds spread over the window (so the old ring held slots in
 * an order other than time), values that are whole or halves (sums and means come out the same
 * whatever order they are added in).
 */
public final class LegacyCheckpointFixture {

    /** Written at NOW; the test restores and scrapes at SCRAPED_AT. */
    public static final long NOW = 1_700_000_123_456L;
    public static final long SCRAPED_AT = NOW + 20_000;

    private LegacyCheckpointFixture() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        AggregationEngine engine = new AggregationEngine(CatalogLoader.loadDefault(), WindowSettings.defaults());
        engine.apply(events(engine), NOW);
        try (OutputStream out = Files.newOutputStream(dir.resolve("legacy-v1.checkpoint"))) {
            engine.writeCheckpoint(out, NOW);
        }
        Files.write(dir.resolve("legacy-v1.scrape.prom"),
                new ExpositionWriter(false).write(engine.snapshot(SCRAPED_AT), ExpositionFormat.PROMETHEUS_TEXT));
    }

    static List<Event> events(AggregationEngine engine) {
        var schemas = engine.schemas();
        List<Event> events = new ArrayList<>();
        String[] regions = {"us-west-2", "eu-west-1"};
        for (int k = 0; k < 40; k++) {
            long time = NOW - 290_000 + k * 7_000L + k % 3;
            for (int s = 0; s < 3; s++) {
                events.add(TestEvents.event(schemas, "feature_request", time, Map.of(
                        "aws_region", regions[s % 2], "feature_service_id", "fs-" + s, "feature_service_name", "service-" + s,
                        "latency_seconds", (1 + (k * 7 + s) % 50) / 256.0, "status", k % 9 == 0 ? 503 : 200)));
                events.add(TestEvents.event(schemas, "stream_batch", time, Map.of(
                        "workspace", "prod", "feature_view_name", "view-" + s, "feature_view_id", "fv-" + s,
                        "input_rows", 100 + k, "processed_rows", 90 + k % 5, "online_store_rows", 80 + s,
                        "min_event_time", time - 1000L * (k % 13), "avg_event_time", time - 500L * (k % 7))));
                events.add(TestEvents.event(schemas, "served_feature", time, Map.of(
                        "workspace", "prod", "feature_view_name", "view-" + s, "feature_view_id", "fv-" + s,
                        "feature_time", time - 500L * (k % 5))));
            }
            events.add(TestEvents.event(schemas, "server_utilization", time, Map.of(
                    "aws_region", "us-west-2", "instance", "pod-" + k % 4, "utilization_percent", 10.0 + k)));
            events.add(TestEvents.event(schemas, "ingest_request", time, Map.of(
                    "aws_region", "us-east-1", "latency_seconds", k / 8.0, "status", k % 5 == 0 ? 429 : 200,
                    "writes", List.of(Map.of("workspace", "prod", "feature_view_name", "view-1", "feature_view_id", "fv-1",
                            "online_rows", 10 + k, "offline_rows", 20 + k)))));
        }
        return events;
    }
}
