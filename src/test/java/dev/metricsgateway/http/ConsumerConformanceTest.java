package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.MetricSpec;
import dev.metricsgateway.testing.ExternalTool;
import dev.metricsgateway.testing.HttpReply;
import dev.metricsgateway.testing.SampleEvents;
import dev.metricsgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real output of a real gateway, fed to the consumers' own parsers: promtool for text 0.0.4, the
 * Prometheus Python client's text and OpenMetrics parsers (the Datadog check's). Needs
 * {@code promtool} and {@code /usr/bin/python3} with {@code prometheus_client}.
 */
@ExtendWith(VertxExtension.class)
class ConsumerConformanceTest {

    private static final String OPENMETRICS_ACCEPT = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";

    @TempDir
    Path dataDir;
    @TempDir
    Path scratch;
    private TestGateway gateway;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        gateway = TestGateway.start(vertx, dataDir, Map.of());
        HttpReply ingest = gateway.postEvents(gateway.writerKey, "application/x-ndjson", SampleEvents.everyType(TestGateway.START_MILLIS - 5_000));
        assertThat(ingest.status()).isEqualTo(202);
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    @Test
    void promtoolAcceptsTheTextFormatWithoutLintFindings() throws Exception {
        ExternalTool.requirePromtool();
        HttpReply scrape = gateway.scrape(null);
        ExternalTool.Result result = ExternalTool.run(List.of("/usr/bin/promtool", "check", "metrics"), scrape.body().getBytes());
        assertThat(result.exitCode()).as("promtool: %s%s\n---\n%s", result.stdout(), result.stderr(), scrape.text()).isZero();
    }

    @Test
    void pythonTextParserReadsEveryCatalogMetric() throws Exception {
        JsonObject families = parseWithPython("text", gateway.scrape("text/plain").body().getBytes());
        assertEveryCatalogMetricParsed(families);
        assertTrickyLabelSurvived(families);
    }

    @Test
    void pythonOpenMetricsParserReadsEveryCatalogMetric() throws Exception {
        HttpReply scrape = gateway.scrape(OPENMETRICS_ACCEPT);
        assertThat(scrape.header("Content-Type")).startsWith("application/openmetrics-text");
        JsonObject families = parseWithPython("openmetrics", scrape.body().getBytes());
        assertEveryCatalogMetricParsed(families);
        assertTrickyLabelSurvived(families);
        for (String family : families.fieldNames()) {
            for (Object sample : families.getJsonObject(family).getJsonArray("samples")) {
                double timestamp = ((JsonArray) sample).getDouble(3);
                assertThat(timestamp).as("OpenMetrics timestamps are seconds").isEqualTo(TestGateway.START_MILLIS / 1000.0);
            }
        }
    }

    @Test
    void summariesCarryQuantilesCountAndSumWithOneTimestamp() throws Exception {
        JsonObject families = parseWithPython("openmetrics", gateway.scrape(OPENMETRICS_ACCEPT).body().getBytes());
        JsonObject latency = families.getJsonObject("stream_ingestapi_request_processing_latency");
        assertThat(latency.getString("type")).isEqualTo("summary");
        List<String> names = latency.getJsonArray("samples").stream().map(s -> ((JsonArray) s).getString(0)).toList();
        assertThat(names).containsExactly(
                "stream_ingestapi_request_processing_latency", "stream_ingestapi_request_processing_latency",
                "stream_ingestapi_request_processing_latency", "stream_ingestapi_request_processing_latency",
                "stream_ingestapi_request_processing_latency",
                "stream_ingestapi_request_processing_latency_count", "stream_ingestapi_request_processing_latency_sum");
        assertThat(latency.getJsonArray("samples").stream().map(s -> ((JsonArray) s).getValue(3)).distinct()).hasSize(1);
        JsonArray count = latency.getJsonArray("samples").getJsonArray(5);
        assertThat(count.getDouble(2)).isEqualTo(2.0);
    }

    private static void assertEveryCatalogMetricParsed(JsonObject families) {
        for (MetricSpec metric : CatalogLoader.loadDefault().metrics().values()) {
            assertThat(families.containsKey(metric.name())).as(metric.name()).isTrue();
            JsonObject family = families.getJsonObject(metric.name());
            assertThat(family.getString("type")).isEqualTo(metric.type().name().toLowerCase());
            assertThat(family.getString("help")).endsWith(metric.stage().helpSuffix());
        }
    }

    private static void assertTrickyLabelSurvived(JsonObject families) {
        JsonArray samples = families.getJsonObject("feature_service_requests_rate").getJsonArray("samples");
        assertThat(samples.stream().map(s -> ((JsonArray) s).getJsonObject(1).getString("feature_service_name")))
                .contains(SampleEvents.TRICKY_NAME);
    }

    private JsonObject parseWithPython(String format, byte[] body) throws IOException {
        ExternalTool.requirePythonClient();
        Path script = scratch.resolve("parse_exposition.py");
        try (InputStream in = getClass().getResourceAsStream("/conformance/parse_exposition.py")) {
            Files.write(script, in.readAllBytes());
        }
        ExternalTool.Result result = ExternalTool.run(List.of("/usr/bin/python3", script.toString(), format), body);
        assertThat(result.exitCode()).as("python parser (%s): %s\n---\n%s", format, result.stderr(), new String(body, StandardCharsets.UTF_8)).isZero();
        return new JsonObject(result.stdout());
    }
}
