package dev.metricsgateway.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the JMH benchmarks of this package and prints their figures as markdown tables: the hot
 * path in ns/event with gateway decode+record as a fraction of the parse-only limit, snapshot cost
 * per series, and record cost against live series with each count's deviation from the first.
 * JMH's own report goes to stderr. Run: {@code bench/run.sh jmh --help}.
 */
public final class JmhMain {

    private JmhMain() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    public static int run(String[] argv, PrintStream out) throws Exception {
        Args args = new Args(argv);
        if (args.flag("help")) {
            out.println("jmh [--quick | --smoke] [--include REGEX] [--live-series 1000,10000,100000,1000000] [--snapshot-series 100000] [--snapshot-shapes gauges,fleet]"
                    + " [--fork-jvm -Xmx8g (after the deployed options, see GatewayProcess)]");
            return 0;
        }
        boolean smoke = args.flag("smoke");
        boolean quick = args.flag("quick");
        String liveSeries = args.string("live-series", smoke ? "100,1000" : "1000,10000,100000,1000000");
        String snapshotSeries = args.string("snapshot-series", smoke ? "100" : "100000");
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(args.string("include", JmhMain.class.getPackageName() + "\\..*Benchmark"))
                .param("liveSeries", liveSeries.split(","))
                .param("series", snapshotSeries.split(","))
                .param("shape", args.string("snapshot-shapes", smoke ? "gauges" : "gauges,fleet").split(","))
                .shouldFailOnError(true)
                // the forks run with the gateway's deployed JVM options, as the HTTP benchmarks' gateways do
                .jvmArgsAppend((GatewayProcess.DEPLOYED_JVM_OPTIONS + " " + args.string("fork-jvm", "-Xmx8g")).strip().split("\\s+"));
        if (smoke) {
            options.forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(100));
        } else if (quick) {
            options.forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(3).measurementTime(TimeValue.seconds(1));
        } else {
            options.forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(2)).measurementIterations(5).measurementTime(TimeValue.seconds(2));
        }
        Collection<RunResult> results = new Runner(options.build(),
                OutputFormatFactory.createFormatInstance(System.err, smoke ? VerboseMode.SILENT : VerboseMode.NORMAL)).run();
        print(results, out);
        return 0;
    }

    static void print(Collection<RunResult> results, PrintStream out) {
        Map<String, RunResult> hotPath = new LinkedHashMap<>();
        List<RunResult> snapshots = new ArrayList<>();
        List<RunResult> scaling = new ArrayList<>();
        List<RunResult> late = new ArrayList<>();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            String method = name.substring(name.lastIndexOf('.') + 1);
            if (name.contains("HotPathBenchmark")) {
                hotPath.put(method, result);
            } else if (name.contains("SnapshotBenchmark")) {
                snapshots.add(result);
            } else if (name.contains("SeriesScalingBenchmark")) {
                scaling.add(result);
            } else if (name.contains("LateEventsBenchmark")) {
                late.add(result);
            }
        }
        if (!hotPath.isEmpty()) {
            out.println("| hot path (1,000-event fleet-mix NDJSON batches) | ns/event | events/s on one core |");
            out.println("|---|---|---|");
            for (String method : List.of("parseOnly", "decode", "record", "decodeAndRecord")) {
                RunResult result = hotPath.get(method);
                if (result != null) {
                    double score = result.getPrimaryResult().getScore();
                    out.printf("| %s | %.1f ± %.1f | %,.0f |%n", method, score, error(result), 1e9 / score);
                }
            }
            if (hotPath.containsKey("parseOnly") && hotPath.containsKey("decodeAndRecord")) {
                double limit = hotPath.get("parseOnly").getPrimaryResult().getScore();
                double gateway = hotPath.get("decodeAndRecord").getPrimaryResult().getScore();
                out.printf("| **gateway decode+record as a fraction of the parse-only limit** | **%.2f** (= %.1f / %.1f) | |%n", limit / gateway, limit, gateway);
            }
            out.println();
        }
        if (!snapshots.isEmpty()) {
            out.println("| snapshot (one scrape, in process) | shape | series | µs per scrape | ns/series |");
            out.println("|---|---|---|---|---|");
            Map<String, Long> seriesByShape = new LinkedHashMap<>();
            for (RunResult result : snapshots) {
                String shape = result.getParams().getParam("shape");
                int asked = Integer.parseInt(result.getParams().getParam("series"));
                long series = seriesByShape.computeIfAbsent(shape + asked, key -> Engines.series(SnapshotBenchmark.build(shape, asked)));
                String name = result.getParams().getBenchmark();
                double micros = result.getPrimaryResult().getScore();
                out.printf("| %s | %s | %,d | %,.0f | %.0f |%n", name.substring(name.lastIndexOf('.') + 1), shape, series, micros, micros * 1000 / series);
            }
            out.println();
        }
        if (!scaling.isEmpty()) {
            out.println("| record cost vs live series | live series | ns/event | vs the smallest count |");
            out.println("|---|---|---|---|");
            double first = scaling.get(0).getPrimaryResult().getScore();
            for (RunResult result : scaling) {
                double score = result.getPrimaryResult().getScore();
                out.printf("| stream_batch events, uniform over all series | %,d | %.1f ± %.1f | %+.0f %% |%n",
                        Integer.parseInt(result.getParams().getParam("liveSeries")), score, error(result), (score / first - 1) * 100);
            }
            out.println();
        }
        if (!late.isEmpty()) {
            out.println("| record cost with late events (feature_request, 100 services, time 1-3 s back) | late events | ns/event |");
            out.println("|---|---|---|");
            for (RunResult result : late) {
                out.printf("| feature_request record | %s %% | %.1f ± %.1f |%n", result.getParams().getParam("latePercent"),
                        result.getPrimaryResult().getScore(), error(result));
            }
            out.println();
        }
    }

    private static double error(RunResult result) {
        double error = result.getPrimaryResult().getScoreError();
        return Double.isNaN(error) ? 0 : error;
    }

}
