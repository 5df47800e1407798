package dev.metricsgateway.bench;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scrape time and bytes against series count, in both formats, idle and while ingest runs at a
 * constant rate. For each count N a fresh gateway (limits raised to fit N) gets exactly N gauge
 * series ({@link FleetEvents#viewBatch}); the gateway's own {@code metrics_gateway_series} must
 * then say N. "While ingesting": an open-loop generator sends stream_batch events for those same
 * feature views at {@code --ingest-events-per-second} (so the series count stays N) while the
 * scrapes run; its own figures are printed too. Run: {@code bench/run.sh scrape --help}.
 */
public final class ScrapeBench {

    static final String TEXT = "text/plain;version=0.0.4";
    static final String OPENMETRICS = "application/openmetrics-text;version=1.0.0";

    private ScrapeBench() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    public static int run(String[] argv, PrintStream out) throws Exception {
        Args args = new Args(argv);
        if (args.flag("help")) {
            out.println("scrape [--series 1000,10000,100000,1000000] [--scrapes 5] [--warmup-seconds 3] [--ingest-events-per-second 200000 (0: idle only)]"
                    + " [--jar JAR] [--gateway-jvm -Xmx6g]");
            return 0;
        }
        List<Integer> counts = args.integers("series", "1000,10000,100000,1000000");
        int scrapes = args.integer("scrapes", 5);
        double warmupSeconds = args.decimal("warmup-seconds", ScrapeTimer.DEFAULT_WARMUP_SECONDS);
        double ingestRate = args.decimal("ingest-events-per-second", 200_000);
        // rows are printed as they come, so that a larger count failing (memory) keeps the smaller ones
        out.println("| series | format | bytes | scrape idle, median ms | idle max ms | scrape while ingesting, median ms | max ms | ingest meanwhile: events/s, batch p99 ms, statuses | seconds to create the series |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        for (int series : counts) {
            try (GatewayProcess gateway = GatewayProcess.from(args, limitsFor(series))) {
                long createdAt = System.nanoTime();
                gateway.createSeries(series);
                double createSeconds = (System.nanoTime() - createdAt) / 1e9;
                System.err.printf("scrape: %,d series created in %.1f s; scraping idle%n", series, createSeconds);
                ScrapeTimer.Timing idleText = time(gateway, TEXT, scrapes, warmupSeconds);
                ScrapeTimer.Timing idleOpenMetrics = time(gateway, OPENMETRICS, scrapes, warmupSeconds);
                requireOpenMetrics(idleOpenMetrics);
                ScrapeTimer.Timing busyText = null;
                ScrapeTimer.Timing busyOpenMetrics = null;
                LoadGenerator.Result ingest = null;
                String ingestNote = "";
                if (ingestRate > 0) {
                    SplittableRandom random = new SplittableRandom(7);
                    List<byte[]> batches = new ArrayList<>();
                    for (int i = 0; i < 16; i++) {
                        batches.add(FleetEvents.randomViewBatch(FleetEvents.viewsFor(series), FleetEvents.BATCH_EVENTS, random));
                    }
                    LoadGenerator load = new LoadGenerator(gateway.base, gateway.key, batches, 64, 1);
                    AtomicBoolean stop = new AtomicBoolean();
                    CompletableFuture<LoadGenerator.Result> running = CompletableFuture.supplyAsync(() -> {
                        try {
                            return load.openLoop(ingestRate / FleetEvents.BATCH_EVENTS, Duration.ofSeconds(1), Duration.ofHours(1), gateway.pid, stop);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    Thread.sleep(1500); // past the generator's warm-up
                    busyText = time(gateway, TEXT, scrapes, warmupSeconds);
                    busyOpenMetrics = time(gateway, OPENMETRICS, scrapes, warmupSeconds);
                    stop.set(true);
                    ingest = running.join();
                    long live = gateway.liveSeries();
                    if (live != series) { // reported, not thrown: the idle figures stay good
                        System.err.printf("scrape: %,d series after the ingest, not %,d%n", live, series);
                        ingestNote = String.format(" (%,d series at the end!)", live);
                    }
                }
                out.println(row(series, "text 0.0.4", idleText, busyText, ingest, createSeconds).replaceFirst(" \\|$", ingestNote + " |"));
                out.println(row(series, "OpenMetrics 1.0.0", idleOpenMetrics, busyOpenMetrics, ingest, createSeconds).replaceFirst(" \\|$", ingestNote + " |"));
                System.err.printf("scrape: %,d series done%n", series);
            }
        }
        return 0;
    }

    /**
     * Limits raised so that {@code series} fit (ConfigLoader bounds them only from below), and a
     * series TTL of a day: at 1M series one run of scrapes outlasts the default 10 minutes, and
     * series must not expire under the measurement (the ingest meanwhile touches only some).
     */
    static Map<String, String> limitsFor(int series) {
        return Map.of("METRICS_GATEWAY_MAX_SERIES_PER_METRIC", Integer.toString(Math.max(100_000, series)),
                "METRICS_GATEWAY_MAX_SERIES_TOTAL", Long.toString(Math.max(1_000_000L, 2L * series)),
                "METRICS_GATEWAY_SERIES_TTL_SECONDS", "86400");
    }

    static ScrapeTimer.Timing time(GatewayProcess gateway, String accept, int scrapes, double warmupSeconds) throws Exception {
        return ScrapeTimer.time(metricsUrl(gateway), "Tecton-key " + gateway.key, accept, scrapes, warmupSeconds);
    }

    static URI metricsUrl(GatewayProcess gateway) {
        return gateway.base.resolve("/api/v1/observability/metrics");
    }

    private static void requireOpenMetrics(ScrapeTimer.Timing timing) {
        if (!timing.body().endsWith("# EOF\n")) {
            throw new IllegalStateException("an OpenMetrics scrape must end with # EOF");
        }
    }

    private static String row(int series, String format, ScrapeTimer.Timing idle, ScrapeTimer.Timing busy,
                              LoadGenerator.Result ingest, double createSeconds) {
        return String.format("| %,d | %s | %,d | %.1f | %.1f | %s | %s | %s | %.1f |", series, format, idle.bytes(), idle.median(), idle.max(),
                busy == null ? "-" : String.format("%.1f", busy.median()), busy == null ? "-" : String.format("%.1f", busy.max()),
                ingest == null ? "-" : String.format("%,.0f, %.1f, %s", ingest.eventsPerSecond(),
                        ingest.latencyMicros().getValueAtPercentile(99) / 1000.0, ingest.statusText()),
                createSeconds);
    }
}
