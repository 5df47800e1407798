package dev.metricsgateway.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.catalog.Catalog;
import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.CatalogSource;
import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.core.WindowSettings;
import dev.metricsgateway.testing.ExternalTool;
import dev.metricsgateway.testing.TestEvents;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Escaping as each format specifies it (CONFORMANCE.md, "Text rules, both formats"): label values
 * escape {@code \}, {@code "} and newline in both formats, and everything else (tab, comma,
 * {@code }}, {@code =}, non-ASCII) is written as is; HELP escapes {@code \} and newline in text
 * 0.0.4 and also {@code "} in OpenMetrics. Round trips go through the consumers' own parsers
 * (promtool; the Prometheus Python client, as the Datadog check uses it).
 */
class ExpositionEscapingTest {

    private static final long NOW = 1_700_000_000_123L;

    /** Backslash, quote, newline; then tab, comma, brace, equals sign and non-ASCII. */
    private static final String TRICKY = "fraud \"v2\"\\ tab\tcomma, brace} eq= ünïcødé ✓\nline";
    private static final String TRICKY_ESCAPED = "fraud \\\"v2\\\"\\\\ tab\tcomma, brace} eq= ünïcødé ✓\\nline";

    /** The HELP of the user catalog's metric as YAML reads it: backslash, quote, newline, tab, non-ASCII. */
    private static final String ODD_HELP = "Path C:\\temp\\new, \"quoted\" text\nsecond line\ttab ünï ✓";
    private static final String ODD_HELP_WITH_STAGE = ODD_HELP + ". Release stage: Deprecated (end of support 2026-06-30).";
    private static final String USER_CATALOG = """
            metrics:
              odd_help_rate:
                type: gauge
                stage: Deprecated
                end_of_support: 2026-06-30
                help: "Path C:\\\\temp\\\\new, \\"quoted\\" text\\nsecond line\\ttab ünï ✓"
                event_type: feature_request
                labels: [feature_service_name]
                aggregation: rate
            """;

    @TempDir
    Path scratch;

    private GatewaySnapshot snapshot;

    @BeforeEach
    void applyOneRequestWithATrickyServiceName() {
        Catalog catalog = CatalogLoader.load(List.of(CatalogLoader.defaultSource(), new CatalogSource("user.yaml", USER_CATALOG)));
        assertThat(catalog.metrics().get("odd_help_rate").help()).as("the YAML's HELP").isEqualTo(ODD_HELP);
        AggregationEngine engine = new AggregationEngine(catalog, WindowSettings.defaults());
        engine.apply(List.of(TestEvents.event(engine.schemas(), "feature_request", NOW - 1_000, Map.of(
                "aws_region", "us-west-2", "feature_service_id", "fs-1", "feature_service_name", TRICKY,
                "latency_seconds", 0.25, "status", 200))), NOW);
        snapshot = engine.snapshot(NOW);
    }

    private String write(ExpositionFormat format) {
        return new String(new ExpositionWriter(true).write(snapshot, format), StandardCharsets.UTF_8);
    }

    // Label values

    @Test
    void textLabelValuesEscapeBackslashQuoteAndNewlineAndNothingElse() {
        assertThat(write(ExpositionFormat.PROMETHEUS_TEXT)).contains(
                "odd_help_rate{feature_service_name=\"" + TRICKY_ESCAPED + "\"} " + 1 / 300.0 + " 1700000000123\n");
    }

    @Test
    void openMetricsLabelValuesEscapeBackslashQuoteAndNewlineAndNothingElse() {
        assertThat(write(ExpositionFormat.OPENMETRICS_TEXT)).contains(
                "odd_help_rate{feature_service_name=\"" + TRICKY_ESCAPED + "\"} " + 1 / 300.0 + " 1700000000.123\n");
    }

    @ParameterizedTest
    @EnumSource(ExpositionFormat.class)
    void trickyLabelValuesKeepEverySampleOnOneLine(ExpositionFormat format) {
        List<String> samples = write(format).lines().filter(line -> line.contains("fraud")).toList();

        // 1 odd_help_rate + 1 feature_service_requests_rate + 7 lines of the feature_service_latency point
        assertThat(samples).hasSize(9).allSatisfy(line -> assertThat(line).contains("ünïcødé ✓\\nline\""));
    }

    @Test
    void promtoolAcceptsTrickyLabelValuesAndHelp() throws Exception {
        ExternalTool.requirePromtool();

        ExternalTool.Result result = ExternalTool.run(List.of("/usr/bin/promtool", "check", "metrics"),
                write(ExpositionFormat.PROMETHEUS_TEXT).getBytes(StandardCharsets.UTF_8));

        assertThat(result.exitCode()).as("promtool: %s%s", result.stdout(), result.stderr()).isZero();
    }

    @ParameterizedTest
    @EnumSource(ExpositionFormat.class)
    void labelValuesRoundTripThroughThePythonParser(ExpositionFormat format) throws Exception {
        JsonObject families = parseWithPython(format);

        for (String family : List.of("odd_help_rate", "feature_service_requests_rate", "feature_service_latency")) {
            JsonArray samples = families.getJsonObject(family).getJsonArray("samples");
            assertThat(samples.stream().map(sample -> ((JsonArray) sample).getJsonObject(1).getString("feature_service_name")))
                    .as(family).isNotEmpty().containsOnly(TRICKY);
        }
    }

    // HELP

    @Test
    void textHelpEscapesBackslashAndNewlineButNotTheQuote() {
        assertThat(write(ExpositionFormat.PROMETHEUS_TEXT)).contains(
                "# HELP odd_help_rate Path C:\\\\temp\\\\new, \"quoted\" text\\nsecond line\ttab ünï ✓."
                        + " Release stage: Deprecated (end of support 2026-06-30).\n");
    }

    @Test
    void openMetricsHelpEscapesBackslashQuoteAndNewline() {
        assertThat(write(ExpositionFormat.OPENMETRICS_TEXT)).contains(
                "# HELP odd_help_rate Path C:\\\\temp\\\\new, \\\"quoted\\\" text\\nsecond line\ttab ünï ✓."
                        + " Release stage: Deprecated (end of support 2026-06-30).\n");
    }

    @ParameterizedTest
    @EnumSource(ExpositionFormat.class)
    void helpRoundTripsThroughThePythonParser(ExpositionFormat format) throws Exception {
        JsonObject families = parseWithPython(format);

        assertThat(families.getJsonObject("odd_help_rate").getString("help")).isEqualTo(ODD_HELP_WITH_STAGE);
    }

    private JsonObject parseWithPython(ExpositionFormat format) throws IOException {
        ExternalTool.requirePythonClient();
        Path script = scratch.resolve("parse_exposition.py");
        try (InputStream in = getClass().getResourceAsStream("/conformance/parse_exposition.py")) {
            assertThat(in).as("src/test/resources/conformance/parse_exposition.py").isNotNull();
            Files.write(script, in.readAllBytes());
        }
        String parser = format == ExpositionFormat.OPENMETRICS_TEXT ? "openmetrics" : "text";
        String body = write(format);
        ExternalTool.Result result = ExternalTool.run(List.of("/usr/bin/python3", script.toString(), parser),
                body.getBytes(StandardCharsets.UTF_8));
        assertThat(result.exitCode()).as("python %s parser: %s\n---\n%s", parser, result.stderr(), body).isZero();
        return new JsonObject(result.stdout());
    }
}
