package dev.metricsgateway.cluster;

import dev.metricsgateway.catalog.Catalog;
import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.Event;
import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.core.WindowSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Not a test: the CPU cost of a cluster scrape's merge, against one gateway's snapshot of the same
 * state, run by hand.
 *
 * <pre>
 * ./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.metricsgateway.cluster.MergeMeasurement 100 1000 10000
 * </pre>
 *
 * For each number of feature services S (each one {@code feature_service_latency} summary series
 * plus its rate, errors and region series), 20,000 events spread over the last 60 s are split
 * evenly over M = 1, 2, 3 members. A scrape of a single gateway is its snapshot; a cluster
 * scrape is, per member, a checkpoint to bytes (done by each member, in parallel on real
 * machines), then on the member asked a decode-and-merge of every member's bytes into a scratch
 * engine and its snapshot. Each figure is the median of 7 runs after a warm-up, in milliseconds.
 */
final class MergeMeasurement {

    private static final long NOW = 1_700_000_000_000L;
    private static final int EVENTS = 20_000;

    private MergeMeasurement() {
    }

    public static void main(String[] args) {
        Catalog catalog = CatalogLoader.loadDefault();
        WindowSettings settings = WindowSettings.defaults();
        System.out.println("| feature services | members | one gateway's snapshot ms | checkpoint per member ms | merge + snapshot ms | bytes per member |");
        System.out.println("|---|---|---|---|---|---|");
        for (String arg : args) {
            int services = Integer.parseInt(arg);
            for (int members = 1; members <= 3; members++) {
                measure(catalog, settings, services, members, true);
                System.out.println(measure(catalog, settings, services, members, false));
            }
        }
    }

    private static String measure(Catalog catalog, WindowSettings settings, int services, int members, boolean warmUp) {
        AggregationEngine whole = new AggregationEngine(catalog, settings);
        List<AggregationEngine> parts = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            parts.add(new AggregationEngine(catalog, settings));
        }
        Random random = new Random(1);
        for (int i = 0; i < EVENTS; i++) {
            long time = NOW - random.nextInt(60_000);
            int service = random.nextInt(services);
            double latency = random.nextInt(1_000_000) / 1e6;
            AggregationEngine part = parts.get(i % members);
            whole.apply(List.of(event(whole, time, service, latency)), NOW);
            part.apply(List.of(event(part, time, service, latency)), NOW);
        }
        int runs = warmUp ? 2 : 7;
        double[] single = new double[runs];
        double[] checkpoint = new double[runs];
        double[] merge = new double[runs];
        long bytes = 0;
        for (int run = 0; run < runs; run++) {
            long started = System.nanoTime();
            GatewaySnapshot reference = whole.snapshot(NOW);
            single[run] = (System.nanoTime() - started) / 1e6;
            List<byte[]> states = new ArrayList<>();
            started = System.nanoTime();
            for (AggregationEngine part : parts) {
                states.add(Checkpoints.write(part, NOW));
            }
            checkpoint[run] = (System.nanoTime() - started) / 1e6 / members;
            bytes = states.get(0).length;
            started = System.nanoTime();
            AggregationEngine scratch = new AggregationEngine(catalog, settings);
            states.forEach(state -> Checkpoints.mergeInto(scratch, state));
            GatewaySnapshot merged = scratch.snapshot(NOW);
            merge[run] = (System.nanoTime() - started) / 1e6;
            if (merged.families().size() != reference.families().size()) {
                throw new AssertionError("the merged scrape differs from one gateway's");
            }
        }
        return String.format(Locale.ROOT, "| %,d | %d | %.1f | %.1f | %.1f | %,d |", services, members, median(single), median(checkpoint),
                median(merge), bytes);
    }

    private static Event event(AggregationEngine engine, long time, int service, double latency) {
        return dev.metricsgateway.testing.TestEvents.event(engine.schemas(), "feature_request", time, java.util.Map.of(
                        "aws_region", service % 2 == 0 ? "us-west-2" : "eu-west-1", "feature_service_id", "fs-" + service,
                        "feature_service_name", "svc-" + service, "latency_seconds", latency, "status", service % 10 == 0 ? 503 : 200));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
