package dev.metricsgateway.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.Event;
import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.core.WindowSettings;
import dev.metricsgateway.testing.TestEvents;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the writer does beyond the golden scrape: empty windows, empty families, the exact
 * Content-Types, the spelling of timestamps at the edges of a second, and the converter's data
 * points (one timestamp, no created timestamp).
 */
class ExpositionWriterTest {

    private static final long NOW = GoldenScrape.NOW;

    private final AggregationEngine engine = new AggregationEngine(CatalogLoader.loadDefault(), WindowSettings.defaults());

    private Event request(long timeMillis, double latencySeconds, int status) {
        return TestEvents.event(engine.schemas(), "feature_request", timeMillis, Map.of(
                "aws_region", "us-west-2", "feature_service_id", "fs-1", "feature_service_name", "fraud_detection",
                "latency_seconds", latencySeconds, "status", status));
    }

    private static String write(GatewaySnapshot snapshot, ExpositionFormat format) {
        return new String(new ExpositionWriter(true).write(snapshot, format), StandardCharsets.UTF_8);
    }

    // Content-Type

    @Test
    void theTextContentTypeIsExactlyTextPlainVersion004Utf8() {
        assertThat(ExpositionFormat.PROMETHEUS_TEXT.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    }

    @Test
    void theOpenMetricsContentTypeIsExactlyOpenMetricsVersion100Utf8() {
        assertThat(ExpositionFormat.OPENMETRICS_TEXT.contentType()).isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
    }

    @ParameterizedTest
    @EnumSource(ExpositionFormat.class)
    void eachFormatsContentTypeIsTheOneItsClientJavaWriterDeclares(ExpositionFormat format) {
        assertThat(format.contentType()).isEqualTo(new ExpositionWriter(true).writerContentType(format));
    }

    // Empty windows and empty families

    @Test
    void quantilesOfAnEmptyWindowAreSpelledNaNWhileCountAndSumStay() {
        engine.apply(List.of(request(NOW, 0.25, 200)), NOW);
        long later = NOW + 400_000; // past the 300 s window, within the 600 s series TTL

        String text = write(engine.snapshot(later), ExpositionFormat.PROMETHEUS_TEXT);
        String openMetrics = write(engine.snapshot(later), ExpositionFormat.OPENMETRICS_TEXT);

        assertThat(text).contains(
                "feature_service_total_latency{quantile=\"0.5\"} NaN 1700000400123\n"
                        + "feature_service_total_latency{quantile=\"0.9\"} NaN 1700000400123\n"
                        + "feature_service_total_latency{quantile=\"0.95\"} NaN 1700000400123\n"
                        + "feature_service_total_latency{quantile=\"0.99\"} NaN 1700000400123\n"
                        + "feature_service_total_latency{quantile=\"0.999\"} NaN 1700000400123\n"
                        + "feature_service_total_latency_count 1 1700000400123\n"
                        + "feature_service_total_latency_sum 0.25 1700000400123\n");
        assertThat(openMetrics).contains(
                "feature_service_total_latency{quantile=\"0.5\"} NaN 1700000400.123\n"
                        + "feature_service_total_latency{quantile=\"0.9\"} NaN 1700000400.123\n"
                        + "feature_service_total_latency{quantile=\"0.95\"} NaN 1700000400.123\n"
                        + "feature_service_total_latency{quantile=\"0.99\"} NaN 1700000400.123\n"
                        + "feature_service_total_latency{quantile=\"0.999\"} NaN 1700000400.123\n"
                        + "feature_service_total_latency_count 1 1700000400.123\n"
                        + "feature_service_total_latency_sum 0.25 1700000400.123\n");
    }

    @Test
    void anIdleRateWithinTheSeriesTtlReadsZero() {
        engine.apply(List.of(request(NOW, 0.25, 200)), NOW);

        String text = write(engine.snapshot(NOW + 400_000), ExpositionFormat.PROMETHEUS_TEXT);

        assertThat(text).contains("feature_service_requests_total_rate{aws_region=\"us-west-2\"} 0.0 1700000400123\n");
    }

    @Test
    void aFamilyWithNoSeriesIsLeftOutOfBothFormats() {
        engine.apply(List.of(request(NOW - 1_000, 0.25, 200)), NOW);

        for (ExpositionFormat format : ExpositionFormat.values()) {
            String written = write(engine.snapshot(NOW), format);
            assertThat(written.lines().filter(line -> line.startsWith("# TYPE ")).map(line -> line.split(" ")[2]))
                    .as(format.name())
                    // no error status was seen, so feature_server_errors_rate has no series either
                    .containsExactly("feature_service_latency", "feature_service_requests_rate",
                            "feature_service_requests_total_rate", "feature_service_total_latency");
            assertThat(written).as(format.name()).doesNotContain("spark_stream").doesNotContain("stream_ingestapi")
                    .doesNotContain("feature_server_");
        }
    }

    @Test
    void aScrapeWithNoSeriesAtAllIsEmptyTextOrALoneEof() {
        GatewaySnapshot empty = engine.snapshot(NOW);

        assertThat(new ExpositionWriter(true).write(empty, ExpositionFormat.PROMETHEUS_TEXT)).isEmpty();
        assertThat(write(empty, ExpositionFormat.OPENMETRICS_TEXT)).isEqualTo("# EOF\n");
    }

    @Test
    void seriesPastTheirTtlDisappearAndTakeTheirFamilyWithThem() {
        engine.apply(List.of(request(NOW, 0.25, 200)), NOW);

        String text = write(engine.snapshot(NOW + 600_000 + 1_000), ExpositionFormat.PROMETHEUS_TEXT);

        assertThat(text).isEmpty();
    }

    // Timestamp spelling

    @ParameterizedTest(name = "{0} ms → {1} (text), {2} (OpenMetrics)")
    @CsvSource({
        "1700000000123, 1700000000123, 1700000000.123",
        "1700000000005, 1700000000005, 1700000000.005",
        "1700000000050, 1700000000050, 1700000000.050",
        "1700000000000, 1700000000000, 1700000000.000",
        "1700000000999, 1700000000999, 1700000000.999"
    })
    void timestampsAreIntegerMillisecondsInTextAndSecondsWithThreeDecimalsInOpenMetrics(
            long nowMillis, String textStamp, String openMetricsStamp) {
        engine.apply(List.of(request(nowMillis, 0.25, 200)), nowMillis);
        GatewaySnapshot snapshot = engine.snapshot(nowMillis);

        assertThat(write(snapshot, ExpositionFormat.PROMETHEUS_TEXT))
                .contains("feature_service_total_latency_count 1 " + textStamp + "\n");
        assertThat(write(snapshot, ExpositionFormat.OPENMETRICS_TEXT))
                .contains("feature_service_total_latency_count 1 " + openMetricsStamp + "\n");
    }

    @ParameterizedTest
    @EnumSource(ExpositionFormat.class)
    void withTimestampsOffNoSampleHasATimestamp(ExpositionFormat format) {
        engine.apply(List.of(request(NOW, 0.25, 503)), NOW);

        String written = new String(new ExpositionWriter(false).write(engine.snapshot(NOW), format), StandardCharsets.UTF_8);

        assertThat(written).doesNotContain("1700000000");
        assertThat(written).contains("feature_service_total_latency_count 1\n", "feature_server_errors_rate{status=\"503\"} 100.0\n");
    }

    // The converter

    @Test
    void everyConvertedDataPointCarriesTheSnapshotTimeAndNoCreatedTimestamp() {
        engine.apply(GoldenScrape.events(engine), NOW);

        MetricSnapshots converted = SnapshotConverter.convert(engine.snapshot(NOW), true);

        assertThat(converted.size()).isEqualTo(CatalogLoader.loadDefault().metrics().size());
        for (MetricSnapshot family : converted) {
            assertThat(family.getDataPoints()).as(family.getMetadata().getName()).isNotEmpty()
                    .allSatisfy(point -> {
                        assertThat(point.hasScrapeTimestamp()).isTrue();
                        assertThat(point.getScrapeTimestampMillis()).isEqualTo(NOW);
                        assertThat(point.hasCreatedTimestamp()).isFalse();
                    });
        }
    }

    @Test
    void withTimestampsOffConvertedDataPointsCarryNoTimestampAtAll() {
        engine.apply(GoldenScrape.events(engine), NOW);

        MetricSnapshots converted = SnapshotConverter.convert(engine.snapshot(NOW), false);

        assertThat(converted.stream().flatMap(family -> family.getDataPoints().stream()))
                .isNotEmpty()
                .noneMatch(DataPointSnapshot::hasScrapeTimestamp)
                .noneMatch(DataPointSnapshot::hasCreatedTimestamp);
    }

    @Test
    void convertedFamiliesCarryTheHelpWithItsReleaseStageAndNoUnit() {
        engine.apply(GoldenScrape.events(engine), NOW);

        MetricSnapshots converted = SnapshotConverter.convert(engine.snapshot(NOW), true);

        for (MetricSnapshot family : converted) {
            String name = family.getMetadata().getName();
            assertThat(family.getMetadata().getHelp()).isEqualTo(CatalogLoader.loadDefault().metrics().get(name).helpWithStage());
            assertThat(family.getMetadata().hasUnit()).as(name).isFalse();
        }
    }
}
