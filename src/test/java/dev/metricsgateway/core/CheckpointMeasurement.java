package dev.metricsgateway.core;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.files.AtomicFiles;
import dev.metricsgateway.testing.TestEvents;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Not a test: a measurement of checkpoint size and time against series count, run by hand.
 *
 * <pre>
 * ./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.metricsgateway.core.CheckpointMeasurement 10000 100000
 * </pre>
 *
 * Traffic, two kinds: feature services, each one {@code feature_service_requests_rate} series (a
 * rate) and one {@code feature_service_latency} series (a summary), so half the series carry
 * histograms; and stream feature views, each five gauge series (rates, max, means) and no
 * histogram. Each source saw events in {@code activeSeconds} distinct seconds of the window (10: a
 * quiet one; 300: one busy every second). The file is written with fsync, as the server does. Each
 * figure is one run after a warm-up.
 */
final class CheckpointMeasurement {

    private static final long NOW = 1_700_000_000_000L;

    private CheckpointMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("checkpoint-measurement");
        for (int warmUp = 0; warmUp < 3; warmUp++) {
            measure(dir, 2_000, 10, true); // lets the JIT compile the paths measured below
            measure(dir, 2_000, 10, false);
        }
        for (String arg : args) {
            int series = Integer.parseInt(arg);
            for (int activeSeconds : new int[] {10, 300}) {
                if ((long) series * activeSeconds > 3_000_000) {
                    continue; // beyond this, the heap of the engine itself is the limit, not the checkpoint
                }
                measure(dir, series, activeSeconds, true);
                measure(dir, series, activeSeconds, false);
            }
        }
    }

    private static void measure(Path dir, int seriesCount, int activeSeconds, boolean summaries) throws Exception {
        AggregationEngine engine = new AggregationEngine(CatalogLoader.loadDefault(), WindowSettings.defaults());
        Random random = new Random(1);
        int sources = summaries ? seriesCount / 2 : seriesCount / 5;
        List<Event> batch = new ArrayList<>();
        for (int second = 0; second < activeSeconds; second++) {
            long time = NOW - 299_000 + second * (299_000L / (activeSeconds - 1) / 1000 * 1000);
            for (int source = 0; source < sources; source++) {
                batch.add(summaries
                        ? TestEvents.event(engine.schemas(), "feature_request", time, Map.of(
                                "aws_region", "us-west-2", "feature_service_id", "fs-" + source, "feature_service_name", "service-" + source,
                                "latency_seconds", random.nextInt(500_000) / 1e6, "status", 200))
                        : TestEvents.event(engine.schemas(), "stream_batch", time, Map.of(
                                "workspace", "prod", "feature_view_name", "view-" + source, "feature_view_id", "fv-" + source,
                                "input_rows", random.nextInt(1000), "processed_rows", random.nextInt(1000), "online_store_rows", random.nextInt(1000),
                                "min_event_time", time - random.nextInt(60_000), "avg_event_time", time - random.nextInt(30_000))));
                if (batch.size() == 1000) {
                    engine.apply(batch, NOW);
                    batch.clear();
                }
            }
        }
        engine.apply(batch, NOW);
        int live = engine.seriesCountByMetric().values().stream().mapToInt(Integer::intValue).sum();

        Path file = dir.resolve("aggregation.checkpoint");
        long started = System.nanoTime();
        long written = AtomicFiles.replace(file, out -> engine.writeCheckpoint(out, NOW));
        double writeSeconds = (System.nanoTime() - started) / 1e9;
        AggregationEngine restored = new AggregationEngine(CatalogLoader.loadDefault(), WindowSettings.defaults());
        started = System.nanoTime();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            restored.restoreCheckpoint(in, NOW);
        }
        double restoreSeconds = (System.nanoTime() - started) / 1e9;
        started = System.nanoTime();
        engine.snapshot(NOW);
        double snapshotSeconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "%-9s %,9d series (%,d live), %3d active s: checkpoint %,7.1f MB in %6.2f s (%.1f µs/series), restore %6.2f s; for comparison one snapshot (scrape without rendering) %6.2f s%n",
                summaries ? "summaries" : "gauges", seriesCount, live, activeSeconds, written / 1e6, writeSeconds, writeSeconds * 1e6 / live, restoreSeconds, snapshotSeconds);
        System.out.flush();
    }
}
