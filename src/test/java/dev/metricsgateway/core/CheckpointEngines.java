package dev.metricsgateway.core;

import dev.metricsgateway.catalog.Catalog;
import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.testing.TestEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Engines, random traffic and snapshot descriptions for the checkpoint tests. The traffic feeds
 * every aggregation of the default catalog (rate, percent_of_events, max, mean weighted and not,
 * max_of_latest, summary, a for_each metric) with a fixed seed.
 */
final class CheckpointEngines {

    static final long NOW = 1_700_000_000_000L;
    private static final String[] REGIONS = {"us-west-2", "eu-west-1", "ap-south-1"};

    private CheckpointEngines() {
    }

    /** The default catalog, loaded once: engines are made by the hundred here. */
    static final Catalog DEFAULT_CATALOG = CatalogLoader.loadDefault();

    static AggregationEngine engine() {
        return engine(DEFAULT_CATALOG, WindowSettings.defaults());
    }

    static AggregationEngine engine(Catalog catalog, WindowSettings settings) {
        return new AggregationEngine(catalog, settings);
    }

    /** Applies {@code count} random events dated in the window before {@code nowMillis}, one small batch at a time. */
    static void feed(AggregationEngine engine, Random random, int count, long nowMillis) {
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long time = nowMillis - random.nextInt(engine.settings().windowSeconds() * 1000 - 1000);
            batch.add(randomEvent(engine, random, time));
            if (batch.size() == 10) {
                engine.apply(batch, nowMillis);
                batch.clear();
            }
        }
        engine.apply(batch, nowMillis);
    }

    static Event randomEvent(AggregationEngine engine, Random random, long time) {
        String region = REGIONS[random.nextInt(REGIONS.length)];
        String view = "fv-" + random.nextInt(3);
        return switch (random.nextInt(5)) {
            case 0 -> TestEvents.event(engine.schemas(), "feature_request", time, Map.of("aws_region", region,
                    "feature_service_id", "fs-" + random.nextInt(4), "feature_service_name", "svc",
                    "latency_seconds", random.nextInt(2_000_000) / 1e6,
                    "status", random.nextInt(4) == 0 ? 400 + random.nextInt(200) : 200));
            case 1 -> TestEvents.event(engine.schemas(), "server_utilization", time, Map.of("aws_region", region,
                    "instance", "i-" + random.nextInt(5), "utilization_percent", random.nextInt(10_000) / 100.0));
            case 2 -> TestEvents.event(engine.schemas(), "stream_batch", time, Map.of("workspace", "prod",
                    "feature_view_name", "fv", "feature_view_id", view, "input_rows", random.nextInt(1000),
                    "processed_rows", random.nextInt(1000), "online_store_rows", random.nextInt(1000),
                    "min_event_time", time - random.nextInt(60_000), "avg_event_time", time - random.nextInt(30_000)));
            case 3 -> TestEvents.event(engine.schemas(), "served_feature", time, Map.of("workspace", "prod",
                    "feature_view_name", "fv", "feature_view_id", view, "feature_time", time - random.nextInt(20_000)));
            default -> TestEvents.event(engine.schemas(), "ingest_request", time, Map.of("aws_region", region,
                    "latency_seconds", random.nextInt(1_000_000) / 1e6, "status", 200 + 100 * random.nextInt(4),
                    "writes", List.of(Map.of("workspace", "prod", "feature_view_name", "fv", "feature_view_id", view,
                            "online_rows", random.nextInt(50), "offline_rows", random.nextInt(50)))));
        };
    }

    static byte[] checkpoint(AggregationEngine engine, long nowMillis) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            engine.writeCheckpoint(out, nowMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static CheckpointRestore restore(AggregationEngine engine, byte[] checkpoint, long nowMillis) throws CheckpointException {
        try {
            return engine.restoreCheckpoint(new ByteArrayInputStream(checkpoint), nowMillis);
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array does not fail to read", e);
        }
    }

    /**
     * Every sample of a snapshot as one line, values exactly (a double's shortest decimal, NaN as
     * NaN), so two snapshots compare equal only when every value is bit for bit the same.
     */
    static List<String> describe(GatewaySnapshot snapshot) {
        List<String> lines = new ArrayList<>();
        for (MetricFamilySnapshot family : snapshot.families()) {
            for (SeriesSample sample : family.samples()) {
                String series = family.spec().name() + sample.labelValues();
                if (sample instanceof SummarySample summary) {
                    lines.add(series + " quantiles=" + Arrays.toString(summary.quantileValues())
                            + " count=" + summary.count() + " sum=" + summary.sum());
                } else {
                    lines.add(series + " " + ((GaugeSample) sample).value());
                }
            }
        }
        return lines;
    }

    /** Total series in a snapshot. */
    static int seriesCount(GatewaySnapshot snapshot) {
        return snapshot.families().stream().mapToInt(family -> family.samples().size()).sum();
    }
}
