package dev.metricsgateway.bench;

import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.exposition.ExpositionFormat;
import dev.metricsgateway.exposition.ExpositionWriter;
import dev.metricsgateway.ingest.EventDecoder;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Heap per series by metric type, in process: for each measured metric, an engine whose catalog
 * holds that metric alone is filled with S series, and (heap used after a full GC with the engine
 * − heap used after a full GC before it) / S is its cost per series. "quiet": one event per series
 * (one second of the window holds data); "busy": one event per series in each of
 * {@code --busy-seconds} consecutive seconds (default: the whole 300 s window), the worst case of
 * per-second state. Each engine is measured again after one scrape (text format), as a served
 * gateway's series are: the writer keeps each series' label text for later scrapes. The whole
 * catalog's figure is taken after one scrape. Then the total heap of the JVM holding the whole default catalog with
 * {@code --total-series} gauge series. Run in a JVM of its own with a heap large enough:
 * {@code bench/run.sh memory --help}.
 */
public final class MemoryPerSeries {

    private static final long T0 = 1_800_000_000_000L;

    /** What is measured: a metric of the catalog and the events that make its series. */
    private enum Kind {
        RATE_GAUGE("spark_stream_input_rate", "gauge (rate)"),
        MAX_GAUGE("spark_stream_max_processed_event_age", "gauge (max)"),
        MEAN_GAUGE("spark_stream_average_processed_event_age", "gauge (weighted mean)"),
        SUMMARY("feature_service_latency", "summary");

        final String metric;
        final String label;

        Kind(String metric, String label) {
            this.metric = metric;
            this.label = label;
        }
    }

    private static Object keptAlive; // what is measured must stay reachable through the GC that measures it

    private MemoryPerSeries() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    public static int run(String[] argv, PrintStream out) {
        Args args = new Args(argv);
        if (args.flag("help")) {
            out.println("memory [--gauge-series 100000] [--summary-series 10000] [--busy-gauge-series 10000] [--busy-summary-series 1000]"
                    + " [--busy-seconds 300] [--total-series 1000000]   (run with a heap of a few GB: BENCH_JVM=-Xmx8g)");
            return 0;
        }
        int busySeconds = args.integer("busy-seconds", 300);
        List<String> rows = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            boolean summary = kind == Kind.SUMMARY;
            int quiet = args.integer(summary ? "summary-series" : "gauge-series", summary ? 10_000 : 100_000);
            int busy = args.integer(summary ? "busy-summary-series" : "busy-gauge-series", summary ? 1_000 : 10_000);
            rows.add(measure(kind, quiet, 1));
            rows.add(measure(kind, busy, busySeconds));
        }
        int total = args.integer("total-series", 1_000_000);
        long before = usedAfterGc();
        AggregationEngine engine = Engines.engine(Engines.catalogWith(Set.of()));
        Engines.createViewSeries(engine, Engines.decoder(engine), FleetEvents.viewsFor(total), T0);
        scrapeOnce(engine, T0);
        keptAlive = engine;
        long after = usedAfterGc();
        long series = Engines.series(engine);
        keptAlive = null;
        out.println("| metric | type | seconds with data per series | series | heap per series (bytes) | after one scrape (bytes) |");
        out.println("|---|---|---|---|---|---|");
        rows.forEach(out::println);
        out.println();
        out.println("| whole default catalog | series | heap used after GC, whole JVM (MiB) | of which the series (MiB) | per series (bytes) |");
        out.println("|---|---|---|---|---|");
        out.printf("| %d gauge metrics of stream_batch, one second of data | %,d | %.0f | %.0f | %.0f |%n", FleetEvents.SERIES_PER_VIEW,
                series, after / 1048576.0, (after - before) / 1048576.0, (after - before) / (double) series);
        return 0;
    }

    private static String measure(Kind kind, int series, int seconds) {
        long before = usedAfterGc();
        AggregationEngine engine = Engines.engine(Engines.catalogWith(Set.of(kind.metric)));
        EventDecoder decoder = Engines.decoder(engine);
        SplittableRandom random = new SplittableRandom(3);
        for (int second = 0; second < seconds; second++) {
            long now = T0 + second * 1000L;
            for (int first = 0; first < series; first += FleetEvents.BATCH_EVENTS) {
                int count = Math.min(FleetEvents.BATCH_EVENTS, series - first);
                byte[] batch = kind == Kind.SUMMARY ? FleetEvents.serviceBatch(first, count, random) : FleetEvents.viewBatch(first, count);
                Engines.apply(engine, Engines.decode(decoder, batch, now), now);
            }
        }
        keptAlive = engine;
        long after = usedAfterGc();
        scrapeOnce(engine, T0 + (seconds - 1) * 1000L);
        long scraped = usedAfterGc();
        long live = engine.seriesCountByMetric().get(kind.metric);
        keptAlive = null;
        if (live != series) {
            throw new IllegalStateException(kind.metric + ": expected " + series + " series, found " + live);
        }
        System.err.printf("memory: %s, %,d series, %d s done%n", kind.metric, series, seconds);
        return String.format("| %s | %s | %d | %,d | %,.0f | %,.0f |", kind.metric, kind.label, seconds, series,
                (after - before) / (double) series, (scraped - before) / (double) series);
    }

    /**
     * Renders one scrape of {@code engine} and throws it away: a served series keeps its label
     * text for the next scrape (about 100 bytes a series), which is part of what it costs.
     */
    private static void scrapeOnce(AggregationEngine engine, long nowMillis) {
        new ExpositionWriter(true).write(engine.snapshot(nowMillis), ExpositionFormat.PROMETHEUS_TEXT);
    }

    /** Heap in use after full GCs (the least of three, so that a late finalization does not count). */
    static long usedAfterGc() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
