package dev.metricsgateway.core.perf;

import dev.metricsgateway.catalog.Catalog;
import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.CatalogSource;
import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.Event;
import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.core.WindowSettings;
import dev.metricsgateway.exposition.ExpositionFormat;
import dev.metricsgateway.exposition.ExpositionWriter;
import dev.metricsgateway.testing.TestEvents;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Not a test: a repeatable measurement of the aggregation core, run by hand (one JVM per figure
 * keeps the heap figures clean). Timing figures on a shared machine are noisy; compare runs taken
 * side by side.
 *
 * <pre>
 * ./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * CP=target/test-classes:target/classes:$(cat target/cp.txt)
 * java -Xmx8g -cp $CP dev.metricsgateway.core.perf.CorePerf memory  rate|max|mean|summary[-fractional]  one|dense  SERIES
 * java -Xmx8g -cp $CP dev.metricsgateway.core.perf.CorePerf apply   SERIES [EVENTS]
 * java -Xmx8g -cp $CP dev.metricsgateway.core.perf.CorePerf scrape  SERIES
 * </pre>
 *
 * <ul>
 *   <li>{@code memory}: heap after GC divided by series, for a catalog of one metric per event
 *       type; {@code one}: each series saw one event; {@code dense}: each series saw one event in
 *       every second of the 300 s window (random values, so summaries hold ~300 distinct values).
 *       Includes the series key, its label strings and the map entry.</li>
 *   <li>{@code apply}: ns per event of {@link AggregationEngine#apply} in 1,000-event batches over
 *       SERIES existing {@code perf_rate} series picked at random, time advancing 1 s per 100k
 *       events; then the same with {@code feature_request} events of the default catalog (five
 *       metrics per event) over SERIES/2 feature services.</li>
 *   <li>{@code scrape}: SERIES series, 80 % gauges (stream feature views: five gauges each) and
 *       20 % from feature services (a rate and a latency summary each), every source active in
 *       10 seconds of the window; time of one snapshot, and of snapshot + rendering in each format.</li>
 * </ul>
 */
public final class CorePerf {

    private static final long NOW = 1_700_000_000_000L;
    private static final int WINDOW = WindowSettings.DEFAULT_WINDOW_SECONDS;

    private static final String PERF_CATALOG = """
            event_types:
              perf_rate: {fields: {key: {type: label}, value: {type: number, min: 0}}}
              perf_max: {fields: {key: {type: label}, value: {type: number, min: 0}}}
              perf_mean: {fields: {key: {type: label}, value: {type: number, min: 0}}}
              perf_summary: {fields: {key: {type: label}, value: {type: number, min: 0}}}
            metrics:
              perf_rate_metric: {type: gauge, stage: GA, help: h, event_type: perf_rate, labels: [key], aggregation: rate, field: value}
              perf_max_metric: {type: gauge, stage: GA, help: h, event_type: perf_max, labels: [key], aggregation: max, field: value}
              perf_mean_metric: {type: gauge, stage: GA, help: h, event_type: perf_mean, labels: [key], aggregation: mean, field: value}
              perf_summary_metric: {type: summary, stage: GA, help: h, event_type: perf_summary, labels: [key], aggregation: summary, field: value}
            """;

    private CorePerf() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "memory" -> memory(args[1], args[2], Integer.parseInt(args[3]));
            case "apply" -> apply(Integer.parseInt(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 3_000_000);
            case "scrape" -> scrape(Integer.parseInt(args[1]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static Catalog perfCatalog() {
        return CatalogLoader.load(List.of(CatalogLoader.defaultSource(), new CatalogSource("perf.yaml", PERF_CATALOG)));
    }

    private static Event perfEvent(AggregationEngine engine, String type, long time, String key, double value) {
        return TestEvents.event(engine.schemas(), "perf_" + type, time, Map.of("key", key, "value", value));
    }

    /** Distinct key strings built once, as a decoder would hand each series its own strings. */
    private static String[] keys(int count) {
        String[] keys = new String[count];
        for (int i = 0; i < count; i++) {
            keys[i] = "series-" + i;
        }
        return keys;
    }

    private static void memory(String typeArgument, String regime, int series) {
        // "rate-fractional", "mean-fractional": values with a fractional part (ages in seconds), stored as doubles
        boolean fractional = typeArgument.endsWith("-fractional");
        String type = typeArgument.replace("-fractional", "");
        long before = usedHeapAfterGc();
        String[] keys = keys(series); // counted: a series keeps its label strings
        AggregationEngine engine = new AggregationEngine(perfCatalog(), WindowSettings.defaults());
        Random random = new Random(1);
        int seconds = regime.equals("dense") ? WINDOW : 1;
        long now = NOW;
        List<Event> batch = new ArrayList<>(1000);
        for (int second = 0; second < seconds; second++) {
            now = NOW + second * 1000L;
            for (int i = 0; i < series; i++) {
                // latencies of 1 µs .. 1 s, log-uniform: a realistic spread of distinct histogram buckets
                double value = type.equals("summary") ? Math.pow(10, -6 + 6 * random.nextDouble())
                        : fractional ? random.nextInt(100_000) / 1000.0 : random.nextInt(1000);
                batch.add(perfEvent(engine, type, now, keys[i], value));
                if (batch.size() == 1000) {
                    engine.apply(batch, now);
                    batch.clear();
                }
            }
            engine.apply(batch, now);
            batch.clear();
        }
        long after = usedHeapAfterGc();
        int live = engine.seriesCountByMetric().get("perf_" + type + "_metric");
        System.out.printf(Locale.ROOT, "memory %-7s %-5s %,9d series: %,8.0f bytes/series (heap %,d MB; the snapshot still sees %d series)%n",
                typeArgument, regime, live, (after - before) / (double) live, (after - before) >> 20,
                engine.snapshot(now).families().stream().mapToInt(f -> f.samples().size()).sum());
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void apply(int series, int events) {
        applyPerfRate(series, events);
        applyFeatureRequests(series / 2, events);
    }

    private static void applyPerfRate(int series, int events) {
        AggregationEngine engine = new AggregationEngine(perfCatalog(), WindowSettings.defaults());
        String[] keys = keys(series);
        List<Event> batch = new ArrayList<>(1000);
        for (int i = 0; i < series; i++) {
            batch.add(perfEvent(engine, "rate", NOW, keys[i], 1));
            if (batch.size() == 1000 || i == series - 1) {
                engine.apply(batch, NOW);
                batch.clear();
            }
        }
        Random random = new Random(2);
        List<List<Event>> batches = new ArrayList<>();
        for (int b = 0; b < 200; b++) {
            List<Event> events1000 = new ArrayList<>(1000);
            for (int i = 0; i < 1000; i++) {
                events1000.add(perfEvent(engine, "rate", NOW, keys[random.nextInt(series)], random.nextInt(100)));
            }
            batches.add(events1000);
        }
        timeApply("perf_rate (1 metric/event)", engine, batches, series, events);
    }

    private static void applyFeatureRequests(int services, int events) {
        AggregationEngine engine = new AggregationEngine(CatalogLoader.loadDefault(), WindowSettings.defaults());
        String[] ids = keys(services);
        String[] names = new String[services];
        for (int i = 0; i < services; i++) {
            names[i] = "service-" + i;
        }
        String[] regions = {"us-west-2", "us-east-1", "eu-west-1"};
        Random random = new Random(3);
        List<Event> batch = new ArrayList<>(1000);
        for (int i = 0; i < services; i++) {
            batch.add(request(engine, NOW, regions[i % 3], ids[i], names[i], 0.01, 200));
            if (batch.size() == 1000 || i == services - 1) {
                engine.apply(batch, NOW);
                batch.clear();
            }
        }
        List<List<Event>> batches = new ArrayList<>();
        for (int b = 0; b < 200; b++) {
            List<Event> events1000 = new ArrayList<>(1000);
            for (int i = 0; i < 1000; i++) {
                int s = random.nextInt(services);
                events1000.add(request(engine, NOW, regions[s % 3], ids[s], names[s],
                        Math.pow(10, -4 + 3 * random.nextDouble()), random.nextInt(100) == 0 ? 503 : 200));
            }
            batches.add(events1000);
        }
        timeApply("feature_request (5 metrics/event)", engine, batches, services, events);
    }

    private static Event request(AggregationEngine engine, long time, String region, String id, String name, double latency, int status) {
        return TestEvents.event(engine.schemas(), "feature_request", time, Map.of(
                "aws_region", region, "feature_service_id", id, "feature_service_name", name,
                "latency_seconds", latency, "status", status));
    }

    /** Events carry time NOW; apply's clock runs from NOW, 1 s per 100k events, so events stay in the window. */
    private static void timeApply(String what, AggregationEngine engine, List<List<Event>> batches, int sources, int events) {
        long warmUp = Math.min(events, 1_000_000);
        run(engine, batches, warmUp, 0);
        long started = System.nanoTime();
        long cpuStarted = threadCpu();
        run(engine, batches, events, warmUp);
        double ns = (System.nanoTime() - started) / (double) events;
        double cpuNs = (threadCpu() - cpuStarted) / (double) events;
        System.out.printf(Locale.ROOT, "apply %-34s %,9d sources: %6.0f ns/event wall, %6.0f ns/event cpu (%,d events)%n",
                what, sources, ns, cpuNs, events);
    }

    private static void run(AggregationEngine engine, List<List<Event>> batches, long events, long offset) {
        for (long done = 0; done < events; done += 1000) {
            long now = NOW + ((offset + done) / 100_000) * 1000 % (WINDOW * 1000L - 1000);
            engine.apply(batches.get((int) ((done / 1000) % batches.size())), now);
        }
    }

    private static long threadCpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static void scrape(int series) {
        AggregationEngine engine = new AggregationEngine(CatalogLoader.loadDefault(), WindowSettings.defaults());
        int views = series * 8 / 10 / 5;
        int services = series * 2 / 10 / 2;
        Random random = new Random(4);
        List<Event> batch = new ArrayList<>(1000);
        String[] regions = {"us-west-2", "us-east-1", "eu-west-1"};
        long now = NOW + (WINDOW - 1) * 1000L;
        for (int active = 0; active < 10; active++) {
            long time = NOW + active * 30_000L;
            for (int v = 0; v < views; v++) {
                batch.add(TestEvents.event(engine.schemas(), "stream_batch", time, Map.of(
                        "workspace", "prod", "feature_view_name", "view-" + v, "feature_view_id", "fv-" + v,
                        "input_rows", random.nextInt(1000), "processed_rows", random.nextInt(1000), "online_store_rows", random.nextInt(1000),
                        "min_event_time", time - random.nextInt(60_000), "avg_event_time", time - random.nextInt(30_000))));
                flush(engine, batch, now);
            }
            for (int s = 0; s < services; s++) {
                for (int k = 0; k < 3; k++) {
                    batch.add(request(engine, time, regions[s % 3], "fs-" + s, "service-" + s, Math.pow(10, -4 + 3 * random.nextDouble()), 200));
                    flush(engine, batch, now);
                }
            }
        }
        engine.apply(batch, now);
        int live = engine.seriesCountByMetric().values().stream().mapToInt(Integer::intValue).sum();
        ExpositionWriter writer = new ExpositionWriter(true);
        for (int round = 0; round < 6; round++) {
            long started = System.nanoTime();
            long cpuStarted = threadCpu();
            GatewaySnapshot snapshot = engine.snapshot(now);
            long snapshotNs = System.nanoTime() - started;
            long snapshotCpu = threadCpu() - cpuStarted;
            started = System.nanoTime();
            cpuStarted = threadCpu();
            byte[] text = writer.write(snapshot, ExpositionFormat.PROMETHEUS_TEXT);
            long textNs = System.nanoTime() - started;
            long textCpu = threadCpu() - cpuStarted;
            started = System.nanoTime();
            byte[] openMetrics = writer.write(engine.snapshot(now), ExpositionFormat.OPENMETRICS_TEXT);
            long omNs = System.nanoTime() - started;
            System.out.printf(Locale.ROOT, "scrape %,9d series round %d: snapshot %6.0f ms (cpu %6.0f); snapshot+text %6.0f ms (cpu %6.0f, %,d bytes); snapshot+openmetrics %6.0f ms (%,d bytes)%n",
                    live, round, snapshotNs / 1e6, snapshotCpu / 1e6, (snapshotNs + textNs) / 1e6, (snapshotCpu + textCpu) / 1e6,
                    text.length, omNs / 1e6, openMetrics.length);
        }
    }

    private static void flush(AggregationEngine engine, List<Event> batch, long now) {
        if (batch.size() == 1000) {
            engine.apply(batch, now);
            batch.clear();
        }
    }
}
