package dev.metricsgateway.exposition;

import static dev.metricsgateway.exposition.GoldenScrape.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.MetricSpec;
import dev.metricsgateway.catalog.MetricType;
import dev.metricsgateway.core.GatewaySnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole scrape of {@link GoldenScrape} against golden text, byte for byte, in both formats and
 * with timestamps on and off ({@code src/test/resources/golden/}).
 *
 * <p>The golden files were generated once from the writer and then checked line by line against
 * CONTRACT.md and CONFORMANCE.md. So that a regenerated file cannot quietly enshrine a mistake, the
 * second half of this class holds the golden files themselves to those documents: timestamp units,
 * {@code # EOF}, HELP suffixes, quantile order, integer counts, sorted families, and the value of
 * every sample against the catalog's formulas.
 */
class ExpositionGoldenTest {

    private static final String TEXT_TIMESTAMP = "1700000000123";
    private static final String OPENMETRICS_TIMESTAMP = "1700000000.123";
    private static final List<String> QUANTILES = List.of("0.5", "0.9", "0.95", "0.99", "0.999");

    private final GatewaySnapshot snapshot = GoldenScrape.snapshot();

    // Byte for byte

    @Test
    void theTextFormatMatchesItsGoldenFileByteForByte() {
        assertMatchesGolden(new ExpositionWriter(true).write(snapshot, ExpositionFormat.PROMETHEUS_TEXT), "scrape.prom");
    }

    @Test
    void theOpenMetricsFormatMatchesItsGoldenFileByteForByte() {
        assertMatchesGolden(new ExpositionWriter(true).write(snapshot, ExpositionFormat.OPENMETRICS_TEXT), "scrape.om");
    }

    @Test
    void withTimestampsOffTheTextFormatMatchesItsGoldenFileByteForByte() {
        assertMatchesGolden(new ExpositionWriter(false).write(snapshot, ExpositionFormat.PROMETHEUS_TEXT), "scrape-no-timestamps.prom");
    }

    @Test
    void withTimestampsOffTheOpenMetricsFormatMatchesItsGoldenFileByteForByte() {
        assertMatchesGolden(new ExpositionWriter(false).write(snapshot, ExpositionFormat.OPENMETRICS_TEXT), "scrape-no-timestamps.om");
    }

    @Test
    void switchingTimestampsOffRemovesTheTimestampsAndNothingElse() {
        assertThat(golden("scrape-no-timestamps.prom")).isEqualTo(golden("scrape.prom").replace(" " + TEXT_TIMESTAMP + "\n", "\n"));
        assertThat(golden("scrape-no-timestamps.om")).isEqualTo(golden("scrape.om").replace(" " + OPENMETRICS_TIMESTAMP + "\n", "\n"));
    }

    // The golden files themselves, held to CONTRACT.md and CONFORMANCE.md

    @Test
    void textSamplesCarryTheComputationTimeAsIntegerMilliseconds() {
        assertThat(sampleLines(golden("scrape.prom"))).isNotEmpty().allSatisfy(line -> assertThat(line).endsWith(" " + TEXT_TIMESTAMP));
        assertThat(Long.parseLong(TEXT_TIMESTAMP)).isEqualTo(NOW);
    }

    @Test
    void openMetricsSamplesCarryTheComputationTimeInSecondsWithThreeDecimals() {
        assertThat(sampleLines(golden("scrape.om"))).isNotEmpty().allSatisfy(line -> assertThat(line).endsWith(" " + OPENMETRICS_TIMESTAMP));
        assertThat(OPENMETRICS_TIMESTAMP).isEqualTo(NOW / 1000 + "." + NOW % 1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scrape-no-timestamps.prom", "scrape-no-timestamps.om"})
    void withTimestampsOffNoSampleCarriesATimestamp(String file) {
        assertThat(sampleLines(golden(file))).isNotEmpty()
                .allSatisfy(line -> assertThat(afterSeries(line)).as(line).hasSize(1));
    }

    @Test
    void openMetricsEndsWithEofAndTheTextFormatHasNoEof() {
        assertThat(golden("scrape.om")).endsWith("\n# EOF\n");
        assertThat(golden("scrape.om").indexOf("# EOF")).isEqualTo(golden("scrape.om").length() - "# EOF\n".length());
        assertThat(golden("scrape.prom")).doesNotContain("# EOF");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scrape.prom", "scrape.om", "scrape-no-timestamps.prom", "scrape-no-timestamps.om"})
    void everyFileUsesUnixNewlinesEndsWithOneAndHasNoBlankLines(String file) {
        String text = golden(file);
        assertThat(text).doesNotContain("\r").endsWith("\n").doesNotContain("\n\n").doesNotStartWith("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scrape.prom", "scrape.om"})
    void thereIsNoUnitLineAndNoCreatedLine(String file) {
        assertThat(lines(golden(file))).noneMatch(line -> line.startsWith("# UNIT")).noneMatch(line -> line.contains("_created"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scrape.prom", "scrape.om"})
    void everyCatalogMetricIsOneContiguousFamilyInNameOrderWithOneTypeAndOneHelp(String file) {
        Map<String, List<String>> families = families(golden(file));
        List<String> catalogNames = CatalogLoader.loadDefault().metrics().keySet().stream().sorted().toList();
        assertThat(families.keySet()).containsExactlyElementsOf(catalogNames);
        families.forEach((name, lines) -> {
            assertThat(lines).filteredOn(line -> line.startsWith("# TYPE ")).as(name).containsExactly(
                    "# TYPE " + name + " " + CatalogLoader.loadDefault().metrics().get(name).type().name().toLowerCase(java.util.Locale.ROOT));
            assertThat(lines).filteredOn(line -> line.startsWith("# HELP ")).as(name).hasSize(1);
            assertThat(lines.subList(0, 2)).as("metadata before samples of " + name).allMatch(line -> line.startsWith("# "));
            assertThat(lines.subList(2, lines.size())).as("samples of " + name).noneMatch(line -> line.startsWith("#"));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"scrape.prom", "scrape.om"})
    void everyHelpEndsWithTheMetricsReleaseStage(String file) {
        Map<String, MetricSpec> catalog = CatalogLoader.loadDefault().metrics();
        families(golden(file)).forEach((name, lines) -> {
            String help = lines.stream().filter(line -> line.startsWith("# HELP " + name + " ")).findFirst().orElseThrow();
            String expectedStage = name.startsWith("feature_service") || name.startsWith("feature_server")
                    ? "Release stage: GA." : "Release stage: Preview.";
            assertThat(help).as(name).endsWith(" " + expectedStage)
                    .isEqualTo("# HELP " + name + " " + catalog.get(name).helpWithStage());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"scrape.prom", "scrape.om"})
    void everySummaryPointHasTheFiveQuantilesInOrderThenAnIntegerCountAndASum(String file) {
        Map<String, MetricSpec> catalog = CatalogLoader.loadDefault().metrics();
        families(golden(file)).forEach((name, lines) -> {
            if (catalog.get(name).type() != MetricType.SUMMARY) {
                return;
            }
            List<String> samples = lines.subList(2, lines.size());
            assertThat(samples.size() % 7).as(name).isZero();
            for (int point = 0; point < samples.size(); point += 7) {
                for (int q = 0; q < QUANTILES.size(); q++) {
                    String line = samples.get(point + q);
                    assertThat(line).as(name).startsWith(name + "{").contains("quantile=\"" + QUANTILES.get(q) + "\"}");
                    assertThat(Double.parseDouble(value(line))).as(line).isPositive();
                }
                assertThat(samples.get(point + 5)).startsWith(name + "_count");
                assertThat(value(samples.get(point + 5))).as("_count is an integer").matches("[0-9]+");
                assertThat(samples.get(point + 6)).startsWith(name + "_sum");
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"scrape.prom", "scrape.om"})
    void everyGaugeHasTheValueTheCatalogFormulaGives(String file) {
        Map<String, String> gauges = new LinkedHashMap<>();
        // 100 × errors of the status / all 4 feature requests
        gauges.put("feature_server_errors_rate{status=\"404\"}", "25.0");
        gauges.put("feature_server_errors_rate{status=\"503\"}", "25.0");
        // max over live instances; i-3 (90 %) is past the instance TTL
        gauges.put("feature_server_utilization{aws_region=\"us-west-2\"}", "61.25");
        // events in the window / 300 s
        gauges.put("feature_service_requests_rate{aws_region=\"eu-west-1\",feature_service_id=\"fs-2\",feature_service_name=\"recommendations\"}", Double.toString(1 / 300.0));
        gauges.put("feature_service_requests_rate{aws_region=\"us-west-2\",feature_service_id=\"fs-1\",feature_service_name=\"fraud_detection\"}", Double.toString(2 / 300.0));
        gauges.put("feature_service_requests_rate{aws_region=\"us-west-2\",feature_service_id=\"fs-2\",feature_service_name=\"recommendations\"}", Double.toString(1 / 300.0));
        gauges.put("feature_service_requests_total_rate{aws_region=\"eu-west-1\"}", Double.toString(1 / 300.0));
        gauges.put("feature_service_requests_total_rate{aws_region=\"us-west-2\"}", Double.toString(3 / 300.0));
        // stream_batch: (1000 × 30 s + 500 × 15 s) / 1500; (1200 + 600) / 300; max(90 s, 45 s); 1200 / 300; 1500 / 300
        String fv1 = "{feature_view_id=\"fv-1\",feature_view_name=\"user_txn\",workspace=\"prod\"}";
        String fv3 = "{feature_view_id=\"fv-3\",feature_view_name=\"txn_counts\",workspace=\"staging\"}";
        gauges.put("spark_stream_average_processed_event_age" + fv1, "25.0");
        gauges.put("spark_stream_input_rate" + fv1, "6.0");
        gauges.put("spark_stream_max_processed_event_age" + fv1, "90.0");
        gauges.put("spark_stream_online_store_write_rate" + fv1, "4.0");
        gauges.put("spark_stream_processing_rate" + fv1, "5.0");
        // served_feature: mean of 12 s and 18 s
        gauges.put("spark_stream_served_feature_age" + fv1, "15.0");
        // ingest writes: fv-1 offline 60 + 60, online 30 + 30; fv-3 offline 6, online 3; all / 300
        gauges.put("stream_ingestapi_offline_store_write_rate" + fv1, Double.toString(120 / 300.0));
        gauges.put("stream_ingestapi_offline_store_write_rate" + fv3, Double.toString(6 / 300.0));
        gauges.put("stream_ingestapi_online_store_write_rate" + fv1, Double.toString(60 / 300.0));
        gauges.put("stream_ingestapi_online_store_write_rate" + fv3, Double.toString(3 / 300.0));
        // one 429 and one 500 of the 3 ingest requests, each / 300
        gauges.put("stream_ingestapi_request_processing_error_rate{aws_region=\"us-east-1\",error_code=\"4xx\"}", Double.toString(1 / 300.0));
        gauges.put("stream_ingestapi_request_processing_error_rate{aws_region=\"us-east-1\",error_code=\"5xx\"}", Double.toString(1 / 300.0));
        gauges.put("stream_ingestapi_request_rate{aws_region=\"us-east-1\"}", Double.toString(3 / 300.0));

        Map<String, String> written = new LinkedHashMap<>();
        Map<String, MetricSpec> catalog = CatalogLoader.loadDefault().metrics();
        for (String line : sampleLines(golden(file))) {
            String series = line.substring(0, line.indexOf(' '));
            String family = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
            if (catalog.containsKey(family) && catalog.get(family).type() == MetricType.GAUGE) {
                written.put(series, value(line));
            }
        }
        assertThat(written).containsExactlyEntriesOf(gauges);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scrape.prom", "scrape.om"})
    void everySummaryHasQuantilesWithinOnePercentAndTheExactCountAndSum(String file) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : sampleLines(golden(file))) {
            samples.put(line.substring(0, line.indexOf(' ')), Double.parseDouble(value(line)));
        }
        String fs1 = "feature_service_latency{feature_service_id=\"fs-1\",feature_service_name=\"fraud_detection\"";
        String fs2 = "feature_service_latency{feature_service_id=\"fs-2\",feature_service_name=\"recommendations\"";
        String ingest = "stream_ingestapi_request_processing_latency{aws_region=\"us-east-1\"";
        // nearest-rank quantiles of the latencies in the window
        assertQuantiles(samples, fs1 + ",", new double[] {0.004, 0.020, 0.020, 0.020, 0.020});
        assertQuantiles(samples, fs2 + ",", new double[] {0.010, 0.012, 0.012, 0.012, 0.012});
        assertQuantiles(samples, "feature_service_total_latency{", new double[] {0.010, 0.020, 0.020, 0.020, 0.020});
        assertQuantiles(samples, ingest + ",", new double[] {0.3, 0.9, 0.9, 0.9, 0.9});

        assertThat(samples.get(fs1.replace("{", "_count{") + "}")).isEqualTo(2);
        assertThat(samples.get(fs1.replace("{", "_sum{") + "}")).isCloseTo(0.004 + 0.020, withinPercentage(1e-9));
        assertThat(samples.get(fs2.replace("{", "_count{") + "}")).isEqualTo(2);
        assertThat(samples.get(fs2.replace("{", "_sum{") + "}")).isCloseTo(0.010 + 0.012, withinPercentage(1e-9));
        assertThat(samples.get("feature_service_total_latency_count")).isEqualTo(4);
        assertThat(samples.get("feature_service_total_latency_sum")).isCloseTo(0.046, withinPercentage(1e-9));
        assertThat(samples.get(ingest.replace("{", "_count{") + "}")).isEqualTo(3);
        assertThat(samples.get(ingest.replace("{", "_sum{") + "}")).isCloseTo(0.15 + 0.9 + 0.3, withinPercentage(1e-9));
    }

    private static void assertQuantiles(Map<String, Double> samples, String seriesPrefix, double[] expected) {
        for (int q = 0; q < QUANTILES.size(); q++) {
            String series = seriesPrefix + "quantile=\"" + QUANTILES.get(q) + "\"}";
            assertThat(samples).as(series).containsKey(series);
            assertThat(samples.get(series)).as(series).isCloseTo(expected[q], withinPercentage(1));
        }
    }

    // Helpers

    private static void assertMatchesGolden(byte[] actual, String file) {
        // the string comparison first, for a readable diff; then the bytes themselves
        assertThat(new String(actual, StandardCharsets.UTF_8)).as(file).isEqualTo(golden(file));
        assertThat(actual).as(file).isEqualTo(goldenBytes(file));
    }

    static String golden(String file) {
        return new String(goldenBytes(file), StandardCharsets.UTF_8);
    }

    private static byte[] goldenBytes(String file) {
        try (InputStream in = ExpositionGoldenTest.class.getResourceAsStream("/golden/" + file)) {
            assertThat(in).as("golden file src/test/resources/golden/" + file).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> lines(String text) {
        return List.of(text.split("\n"));
    }

    private static List<String> sampleLines(String text) {
        return lines(text).stream().filter(line -> !line.startsWith("#")).toList();
    }

    /** The value token of a sample line. */
    private static String value(String line) {
        return afterSeries(line)[0];
    }

    /** The value and the timestamp, if any, of a sample line (whose label values hold no '}'). */
    private static String[] afterSeries(String line) {
        int end = line.contains("}") ? line.lastIndexOf('}') + 1 : line.indexOf(' ');
        return line.substring(end).trim().split(" ");
    }

    /** The lines of each family, in order; fails on a family that appears twice (not contiguous). */
    private static Map<String, List<String>> families(String text) {
        Map<String, List<String>> families = new LinkedHashMap<>();
        String current = null;
        for (String line : lines(text)) {
            if (line.equals("# EOF")) {
                continue;
            }
            if (line.startsWith("# TYPE ") || line.startsWith("# HELP ")) {
                String name = line.split(" ")[2];
                if (!name.equals(current)) {
                    assertThat(families).as("family " + name + " is contiguous").doesNotContainKey(name);
                    families.put(name, new ArrayList<>());
                    current = name;
                }
            }
            assertThat(current).as("metadata comes before the first sample: " + line).isNotNull();
            assertThat(line).as("sample of " + current).startsWith(line.startsWith("#") ? "# " : current);
            families.get(current).add(line);
        }
        return families;
    }
}
