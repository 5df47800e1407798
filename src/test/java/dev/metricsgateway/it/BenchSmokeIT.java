package dev.metricsgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.bench.IngestCpu;
import dev.metricsgateway.bench.JmhMain;
import dev.metricsgateway.bench.LoadGenerator;
import dev.metricsgateway.bench.MemoryPerSeries;
import dev.metricsgateway.bench.PeerComparison;
import dev.metricsgateway.bench.ScrapeBench;
import dev.metricsgateway.testing.ExternalTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every benchmark of bench/README.md run with tiny sizes against the packaged jar, so that the
 * tools keep working as the gateway changes. Not timed and no thresholds: each test asserts that
 * its tool ran to the end and printed a table whose figures are sane (present, positive, counts
 * exact, every answer 202 where nothing overloads the gateway).
 */
class BenchSmokeIT {

    /** The started gateways: small heap, C1 only, since nothing here is measured. */
    private static final String GATEWAY_JVM = "--gateway-jvm=-Xmx512m -XX:TieredStopAtLevel=1";
    private static final Pattern NUMBER = Pattern.compile("-?[0-9][0-9,]*(\\.[0-9]+)?");

    @Test
    void jmhRunsEveryBenchmarkAndReportsTheParseOnlyFraction() throws Exception {
        String out = run(JmhMain::run, "--smoke");
        for (String benchmark : List.of("parseOnly", "decode", "record", "decodeAndRecord")) {
            assertThat(positive(cell(out, "| " + benchmark + " |", 1))).as(benchmark).isTrue();
        }
        assertThat(positive(cell(out, "fraction of the parse-only limit", 1))).isTrue();
        assertThat(rows(out, "| snapshot")).filteredOn(row -> row.contains("| gauges | 100 |")).hasSize(3);
        assertThat(rows(out, "| stream_batch events, uniform over all series |"))
                .extracting(row -> cell(row, 2)).containsExactly("100", "1,000");
        assertThat(rows(out, "| feature_request record |")).extracting(row -> cell(row, 2)).containsExactly("0 %", "25 %");
        assertThat(rows(out, "| feature_request record |")).allMatch(row -> positive(cell(row, 3).split(" ")[0]));
    }

    @Test
    void ingestCpuReportsDecodeAndApplyCostWithTwoThreads() throws Exception {
        String out = run(IngestCpu::run, "--rounds", "1", "--seconds", "0.2", "--threads", "2");
        assertThat(cell(out, "2 threads", 2)).isEqualTo("decode+apply ns/event");
        assertThat(positive(cell(out, "| **median** |", 1).replace("*", ""))).isTrue();
        assertThat(positive(cell(out, "| **median** |", 2).replace("*", ""))).isTrue();
    }

    @Test
    void memoryReportsBytesPerSeriesForEveryMetricType() throws Exception {
        String out = run(MemoryPerSeries::run, "--gauge-series", "500", "--summary-series", "100",
                "--busy-gauge-series", "50", "--busy-summary-series", "20", "--busy-seconds", "3", "--total-series", "1000");
        List<String> perType = rows(out, "| spark_stream_");
        perType.addAll(rows(out, "| feature_service_latency |"));
        assertThat(perType).hasSize(8).allSatisfy(row -> assertThat(positive(cell(row, 5)) && positive(cell(row, 6))).as(row).isTrue());
        assertThat(cell(out, "one second of data", 1)).isEqualTo("1,000");
    }

    @Test
    void loadGeneratorSuiteReportsThroughputOpenLoopLatencyAndOverload() throws Exception {
        String out = run(LoadGenerator::run, "--mode", "suite", "--connections", "4", "--connections-rate", "8",
                "--overload-connections", "16", "--warmup", "1", "--duration", "2", GATEWAY_JVM);
        String closed = rows(out, "| throughput |").get(0);
        assertThat(positive(cell(closed, 5))).as(closed).isTrue(); // accepted events/s
        assertThat(cell(closed, 11)).as(closed).isEqualTo("yes"); // all 202
        assertThat(Double.parseDouble(cell(closed, 12))).as("gateway CPU: " + closed).isPositive();
        assertThat(positive(cell(closed, 14))).as("gateway RSS: " + closed).isTrue();
        List<String> open = rows(out, "| rate |");
        assertThat(open).hasSize(2).allSatisfy(row -> {
            assertThat(positive(cell(row, 4))).as(row).isTrue(); // offered events/s
            for (int latency = 6; latency <= 9; latency++) {
                assertThat(positive(cell(row, latency))).as(row).isTrue();
            }
            assertThat(cell(row, 10)).as(row).matches("(202|429) × \\d+(, (202|429) × \\d+)?");
        });
        assertThat(out).containsPattern("At 150 % of the peak offered, the gateway accepted \\d+ % of its peak");
    }

    @Test
    void scrapeBenchCreatesExactlyTheSeriesAndTimesBothFormats() throws Exception {
        String out = run(ScrapeBench::run, "--series", "100", "--scrapes", "2", "--warmup-seconds", "0.5",
                "--ingest-events-per-second", "5000", GATEWAY_JVM);
        assertThat(rows(out, "| 100 |")).hasSize(2).allSatisfy(row -> {
            assertThat(positive(cell(row, 3))).as(row).isTrue(); // bytes
            assertThat(positive(cell(row, 4))).as(row).isTrue(); // idle median
            assertThat(positive(cell(row, 6))).as(row).isTrue(); // median while ingesting
            assertThat(cell(row, 8)).as(row).contains("202 × ");
        });
    }

    @Test
    void peersAreComparedAsRatios() throws Exception {
        ExternalTool.require(Files.isExecutable(Path.of("/usr/bin/prometheus-pushgateway")), "prometheus-pushgateway",
                "apt-get install -y prometheus-pushgateway");
        ExternalTool.requirePythonClient();
        String out = run(PeerComparison::run, "--pushgateway-series", "100", "--python-series", "100",
                "--workers", "2", "--scrapes", "2", "--warmup-seconds", "0.5", GATEWAY_JVM);
        List<String> peers = rows(out, "| Pushgateway");
        peers.addAll(rows(out, "| Python client"));
        assertThat(peers).hasSize(2).allSatisfy(row -> assertThat(positive(cell(row, 8).replace("*", ""))).as(row).isTrue());
    }

    // --- running a tool and reading its markdown tables ---

    /** A tool's {@code run(argv, out)}. */
    private interface Tool {
        int run(String[] argv, PrintStream out) throws Exception;
    }

    private static String run(Tool tool, String... argv) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit = tool.run(argv, new PrintStream(captured, true, StandardCharsets.UTF_8));
        String out = captured.toString(StandardCharsets.UTF_8);
        System.out.println(out); // the tables, for whoever reads the test report
        assertThat(exit).as(out).isZero();
        return out;
    }

    private static List<String> rows(String out, String prefix) {
        List<String> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith(prefix)) {
                rows.add(line);
            }
        }
        return rows;
    }

    /** Cell {@code index} (1-based) of the first row containing {@code marker}. */
    private static String cell(String out, String marker, int index) {
        for (String line : out.split("\n")) {
            if (line.contains(marker)) {
                return cell(line, index + 1);
            }
        }
        throw new AssertionError("no row with " + marker + " in\n" + out);
    }

    /** Cell {@code index} (1-based) of a markdown table row. */
    private static String cell(String row, int index) {
        String[] cells = row.split("\\|");
        return cells[index].strip();
    }

    /** Whether {@code text} starts with a positive number (e.g. "1,234.5 ± 3.0"). */
    private static boolean positive(String text) {
        Matcher matcher = NUMBER.matcher(text.replace("**", ""));
        return matcher.find() && matcher.start() == 0 && Double.parseDouble(matcher.group().replace(",", "")) > 0;
    }
}
