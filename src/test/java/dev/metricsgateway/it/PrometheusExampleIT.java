package dev.metricsgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.LabelSpec;
import dev.metricsgateway.catalog.MetricSpec;
import dev.metricsgateway.catalog.MetricType;
import dev.metricsgateway.catalog.ReleaseStage;
import dev.metricsgateway.testing.ExternalTool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/prometheus/} is executable: promtool accepts the config and the rules, the
 * alerts fire as their unit tests ({@code src/test/resources/prometheus/rules_test.yml}) say, and
 * every alert watches a catalog metric with the catalog's labels. {@link PrometheusScrapeIT} runs
 * a real Prometheus with the example's job.
 */
class PrometheusExampleIT {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> LABELS_PROMETHEUS_ADDS = Set.of("job", "instance");

    @TempDir
    Path scratch;

    private static ExternalTool.Result promtool(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/promtool"));
        command.addAll(List.of(args));
        return ExternalTool.run(command, new byte[0]);
    }

    private static String describe(ExternalTool.Result result) {
        return "exit " + result.exitCode() + "\n" + result.stdout() + result.stderr();
    }

    @Test
    void promtoolAcceptsTheExampleRules() throws IOException {
        ExternalTool.requirePromtool();

        ExternalTool.Result result = promtool("check", "rules", PrometheusExampleConfig.RULES.toString());

        assertThat(result.exitCode()).as(describe(result)).isZero();
        assertThat(result.stdout()).contains("SUCCESS: 4 rules found");
    }

    @Test
    void promtoolAcceptsTheExampleConfigOnceItsKeyFileExists() throws IOException {
        ExternalTool.requirePromtool();
        Path keyFile = Files.writeString(scratch.resolve("metrics-gateway.key"), "a-key-only-promtool-sees\n");
        String example = Files.readString(PrometheusExampleConfig.CONFIG);
        assertThat(example).contains("credentials_file: /etc/prometheus/metrics-gateway.key");
        Path config = Files.writeString(scratch.resolve("prometheus.yml"),
                example.replace("/etc/prometheus/metrics-gateway.key", keyFile.toString()));
        Files.copy(PrometheusExampleConfig.RULES, scratch.resolve("rules.yml"));

        ExternalTool.Result full = promtool("check", "config", config.toString());
        ExternalTool.Result asShipped = promtool("check", "config", "--syntax-only", PrometheusExampleConfig.CONFIG.toString());

        assertThat(full.exitCode()).as(describe(full)).isZero();
        assertThat(full.stdout()).as("the rule file the config names is found and checked too").contains("SUCCESS: 4 rules found");
        assertThat(asShipped.exitCode()).as(describe(asShipped)).isZero();
    }

    @Test
    void theExampleAlertsFireOnlyAboveThresholdAndAfterTheirForDuration() throws IOException {
        ExternalTool.requirePromtool();
        Files.copy(PrometheusExampleConfig.RULES, scratch.resolve("rules.yml"));
        Path unitTests = scratch.resolve("rules_test.yml");
        try (InputStream in = getClass().getResourceAsStream("/prometheus/rules_test.yml")) {
            Files.write(unitTests, in.readAllBytes());
        }

        ExternalTool.Result result = promtool("test", "rules", unitTests.toString());

        assertThat(result.exitCode()).as(describe(result)).isZero();
        assertThat(result.stdout()).contains("SUCCESS");
    }

    @Test
    void everyAlertWatchesOneCatalogMetricAndMarksAPreviewOne() throws IOException {
        Map<String, MetricSpec> catalog = CatalogLoader.loadDefault().metrics();
        JsonNode rules = new YAMLMapper().readTree(PrometheusExampleConfig.RULES.toFile());
        Set<String> watched = new TreeSet<>();

        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String alert = rule.path("alert").asText();
                List<String> metrics = metricNames(rule.path("expr").asText()).stream().filter(catalog::containsKey).toList();
                assertThat(metrics).as(alert + " watches one catalog metric").hasSize(1);
                MetricSpec metric = catalog.get(metrics.get(0));
                boolean preview = metric.stage().kind() == ReleaseStage.Kind.PREVIEW;
                assertThat(rule.path("labels").path("release_stage").asText(null))
                        .as(alert + " on " + metric.name() + " (" + metric.stage().kind() + ")")
                        .isEqualTo(preview ? "preview" : null);
                if (preview) {
                    assertThat(rule.path("annotations").path("description").asText()).contains("Preview metric");
                }
                watched.add(metric.name());
            }
        }

        assertThat(watched).containsExactlyInAnyOrder("feature_server_errors_rate", "feature_service_latency",
                "feature_server_utilization", "spark_stream_max_processed_event_age");
    }

    @Test
    void theAlertUnitTestsFeedSeriesWithTheCatalogsLabels() throws IOException {
        Map<String, MetricSpec> catalog = CatalogLoader.loadDefault().metrics();
        JsonNode unitTests;
        try (InputStream in = getClass().getResourceAsStream("/prometheus/rules_test.yml")) {
            unitTests = new YAMLMapper().readTree(in);
        }
        List<String> series = new ArrayList<>();
        unitTests.path("tests").forEach(test -> test.path("input_series").forEach(input -> series.add(input.path("series").asText())));

        assertThat(series).isNotEmpty().allSatisfy(selector -> {
            String name = selector.substring(0, selector.indexOf('{'));
            assertThat(catalog).as(selector).containsKey(name);
            MetricSpec metric = catalog.get(name);
            Set<String> expected = metric.labels().stream().map(LabelSpec::name).collect(Collectors.toCollection(TreeSet::new));
            expected.addAll(LABELS_PROMETHEUS_ADDS);
            if (metric.type() == MetricType.SUMMARY) {
                expected.add("quantile");
            }
            assertThat(labelNames(selector)).as(selector).isEqualTo(expected);
        });
    }

    private static List<String> metricNames(String expr) {
        List<String> names = new ArrayList<>();
        Matcher matcher = METRIC_NAME.matcher(expr.replaceAll("\"[^\"]*\"", "").replaceAll("\\{[^}]*}", ""));
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

    private static Set<String> labelNames(String selector) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"").matcher(selector);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
