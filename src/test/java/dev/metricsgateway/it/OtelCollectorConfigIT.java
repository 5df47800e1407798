package dev.metricsgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.metricsgateway.testing.ExternalTool;
import dev.metricsgateway.testing.SampleEvents;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code examples/otel-collector/config.yaml} and what the collector's prometheus receiver needs of
 * the packaged jar's output.
 *
 * <p>The receiver embeds Prometheus' scrape code, so its {@code scrape_configs}, once the collector
 * has expanded {@code ${env:...}} and turned {@code $$} into {@code $}, are a Prometheus config:
 * {@code promtool check config} must accept them, and the request they describe must be answered
 * by the gateway. The receiver silently drops a summary point without {@code _count}, with parts
 * stamped differently, or stamped outside what Prometheus accepts, so the OpenMetrics the gateway
 * serves is held to those invariants by {@link SummaryPointChecker}, which is proven to catch each
 * of them on mutated real output.
 */
class OtelCollectorConfigIT {

    private static final Path EXAMPLE = Path.of("examples", "otel-collector", "config.yaml");
    /** Prometheus 2.42's Accept (CONFORMANCE.md). */
    private static final String PROMETHEUS_2_42_ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    private static final String OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern BOOTSTRAP_LINE = Pattern.compile("Bootstrap admin API Key: (\\S+)");

    @TempDir
    static Path workDir;

    private static final JarProcesses CHILDREN = new JarProcesses();
    private static URI base;
    private static String key;

    @BeforeAll
    static void serveWithEveryEventTypeTwice() {
        JarProcess gateway = CHILDREN.start(workDir, Map.of(),
                "serve", "--port", "0", "--data-dir", workDir.resolve("data").toString());
        base = gateway.awaitListening();
        List<Matcher> matches = gateway.stdoutLinesSoFar().stream()
                .map(BOOTSTRAP_LINE::matcher).filter(Matcher::matches).toList();
        assertThat(matches).as(gateway.transcripts()).hasSize(1);
        key = matches.get(0).group(1);
        GatewayClient client = new GatewayClient(base);
        for (int batch = 0; batch < 2; batch++) {
            HttpResponse<String> answer = client.postEvents(key, SampleEvents.everyType(System.currentTimeMillis()));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        }
    }

    @AfterAll
    static void killChildren() {
        CHILDREN.destroyAll();
    }

    @Test
    void theExampleScrapesEveryThirtySecondsWithTheTectonKeyThroughBatchToDebug() throws IOException {
        JsonNode config = new YAMLMapper().readTree(EXAMPLE.toFile());

        JsonNode job = scrapeConfigs(config).get(0);
        assertThat(scrapeConfigs(config)).hasSize(1);
        assertThat(job.path("scrape_interval").asText()).isEqualTo("30s");
        assertThat(job.path("metrics_path").asText()).isEqualTo(GatewayClient.SCRAPE);
        assertThat(job.path("authorization").path("type").asText()).isEqualTo("Tecton-key");
        assertThat(job.path("authorization").path("credentials").asText()).isEqualTo("${env:TECTON_API_KEY}");
        JsonNode pipeline = config.path("service").path("pipelines").path("metrics");
        assertThat(texts(pipeline.path("receivers"))).containsExactly("prometheus");
        assertThat(texts(pipeline.path("processors"))).containsExactly("batch");
        assertThat(texts(pipeline.path("exporters"))).containsExactly("debug");
        assertThat(config.path("processors").has("batch")).isTrue();
        assertThat(config.path("exporters").has("debug")).isTrue();
        assertThat(Files.readString(EXAMPLE, StandardCharsets.UTF_8))
                .as("the OTLP and Datadog exporters, commented")
                .containsPattern("(?m)^\\s*#\\s*otlp:")
                .containsPattern("(?m)^\\s*#\\s*datadog:");
    }

    @Test
    void theExtractedScrapeConfigsPassPromtoolCheckConfig() throws IOException {
        ExternalTool.requirePromtool();
        ObjectNode prometheusConfig = JsonNodeFactory.instance.objectNode();
        prometheusConfig.set("scrape_configs", asTheCollectorPassesThem(new YAMLMapper().readTree(EXAMPLE.toFile())));
        Path file = workDir.resolve("prometheus-from-otel-example.yml");
        Files.writeString(file, new YAMLMapper().writeValueAsString(prometheusConfig), StandardCharsets.UTF_8);

        ExternalTool.Result result = ExternalTool.run(List.of("/usr/bin/promtool", "check", "config", file.toString()), new byte[0]);

        assertThat(result.exitCode()).as("promtool check config:%n%s%s%n---%n%s",
                result.stdout(), result.stderr(), Files.readString(file)).isZero();
        assertThat(result.stdout() + result.stderr()).contains("SUCCESS");
    }

    @Test
    void theRequestTheScrapeConfigDescribesGetsTheGatewaysOpenMetrics() throws Exception {
        JsonNode job = asTheCollectorPassesThem(new YAMLMapper().readTree(EXAMPLE.toFile())).get(0);
        List<String> targets = texts(job.path("static_configs").get(0).path("targets"));
        assertThat(targets).as("the gateway's default address").containsExactly("127.0.0.1:8080");
        String scheme = job.path("scheme").asText("http");
        URI uri = URI.create(scheme + "://" + base.getHost() + ":" + base.getPort() + job.path("metrics_path").asText("/metrics"));
        JsonNode authorization = job.path("authorization");

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10))
                        .header("Accept", PROMETHEUS_2_42_ACCEPT)
                        .header("Authorization", authorization.path("type").asText("Bearer") + " " + authorization.path("credentials").asText())
                        .GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(OPENMETRICS_CONTENT_TYPE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // Prometheus 2.42, and so receivers that embed it
        PROMETHEUS_2_42_ACCEPT,
        // Prometheus 3 (newer receivers): OpenMetrics first, with escaping parameters
        "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8,application/openmetrics-text;version=0.0.1;q=0.9,"
                + "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.8,text/plain;version=0.0.4;q=0.7,*/*;q=0.6",
        // a receiver with protobuf negotiation on: protobuf first, OpenMetrics next
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,"
                + "application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
    })
    void everySummaryPointTheReceiverReadsIsCompleteAndStampedOnce(String accept) {
        HttpResponse<String> scrape = scrape(accept);

        assertThat(scrape.headers().firstValue("Content-Type")).hasValue(OPENMETRICS_CONTENT_TYPE);
        SummaryPointChecker checker = SummaryPointChecker.check(scrape.body(), System.currentTimeMillis());
        assertThat(checker.violations()).as(scrape.body()).isEmpty();
        assertThat(checker.pointsChecked()).as("the four summary series of the sample events").isEqualTo(4);
    }

    /** A change to a good scrape that the receiver would punish by dropping data. */
    enum Mutation {
        SUMMARY_WITHOUT_COUNT(body -> removeFirstLine(body, "feature_service_total_latency_count")),
        SUMMARY_WITHOUT_SUM(body -> removeFirstLine(body, "feature_service_total_latency_sum")),
        SUMMARY_MISSING_A_QUANTILE(body -> removeFirstLine(body, "feature_service_total_latency{quantile=\"0.99\"}")),
        MIXED_TIMESTAMPS_IN_ONE_POINT(body -> editFirstLine(body, "stream_ingestapi_request_processing_latency{",
                line -> editTimestamp(line, seconds -> seconds.add(new BigDecimal("0.001"))))),
        COUNT_THAT_IS_NOT_AN_INTEGER(body -> editFirstLine(body, "feature_service_total_latency_count",
                line -> line.replaceFirst(" \\S+ (\\S+)$", " 6.5 $1"))),
        A_CREATED_SAMPLE(body -> editFirstLine(body, "feature_service_total_latency_sum",
                line -> line + "\n" + line.replace("_sum", "_created"))),
        MILLISECOND_TIMESTAMPS_UNDER_OPENMETRICS(body -> body.lines()
                .map(line -> line.startsWith("#") ? line : editTimestamp(line, seconds -> seconds.movePointRight(3)))
                .collect(Collectors.joining("\n", "", "\n"))),
        A_NEGATIVE_QUANTILE(body -> editFirstLine(body, "feature_service_total_latency{quantile=\"0.5\"}",
                line -> line.replaceFirst("} \\S+ ", "} -0.01 ")));

        final UnaryOperator<String> apply;

        Mutation(UnaryOperator<String> apply) {
            this.apply = apply;
        }
    }

    @ParameterizedTest
    @EnumSource(Mutation.class)
    void theSummaryCheckerCatchesWhatTheReceiverWouldDrop(Mutation mutation) {
        String good = scrape(PROMETHEUS_2_42_ACCEPT).body();
        long nowMillis = System.currentTimeMillis();
        assertThat(SummaryPointChecker.check(good, nowMillis).violations()).isEmpty();

        String mutated = mutation.apply.apply(good);

        assertThat(mutated).as("the mutation changed the body").isNotEqualTo(good);
        assertThat(SummaryPointChecker.check(mutated, nowMillis).violations()).as(mutated).isNotEmpty();
    }

    // ---------------------------------------------------------------------------------------------

    private static HttpResponse<String> scrape(String accept) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(base.resolve(GatewayClient.SCRAPE))
                            .timeout(Duration.ofSeconds(10))
                            .header("Accept", accept)
                            .header("Authorization", "Tecton-key " + key)
                            .GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return response;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode scrapeConfigs(JsonNode collectorConfig) {
        JsonNode configs = collectorConfig.path("receivers").path("prometheus").path("config").path("scrape_configs");
        assertThat(configs.isArray()).as("receivers.prometheus.config.scrape_configs in %s", EXAMPLE).isTrue();
        assertThat(configs).isNotEmpty();
        return configs;
    }

    /**
     * The scrape configs as the collector hands them to Prometheus' scrape code: every
     * {@code ${env:NAME}} replaced by the variable (here only TECTON_API_KEY, set to a real key),
     * every {@code $$} by {@code $}.
     */
    private static ArrayNode asTheCollectorPassesThem(JsonNode collectorConfig) {
        ArrayNode configs = scrapeConfigs(collectorConfig).deepCopy();
        expand(configs, Map.of("TECTON_API_KEY", key));
        return configs;
    }

    private static void expand(JsonNode node, Map<String, String> environment) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : new ArrayList<>(object.properties())) {
                if (field.getValue().isTextual()) {
                    object.put(field.getKey(), expand(field.getValue().asText(), environment));
                } else {
                    expand(field.getValue(), environment);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, new TextNode(expand(array.get(i).asText(), environment)));
                } else {
                    expand(array.get(i), environment);
                }
            }
        }
    }

    private static String expand(String value, Map<String, String> environment) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            if (value.startsWith("$$", i)) {
                out.append('$');
                i += 2;
                continue;
            }
            Matcher reference = ENV_REFERENCE.matcher(value).region(i, value.length());
            if (reference.lookingAt()) {
                String name = reference.group(1);
                assertThat(environment).as("environment variable the example uses").containsKey(name);
                out.append(environment.get(name));
                i = reference.end();
                continue;
            }
            out.append(value.charAt(i++));
        }
        return out.toString();
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    /** The sample line with its timestamp (the last token, seconds) changed by {@code edit}. */
    private static String editTimestamp(String line, UnaryOperator<BigDecimal> edit) {
        int space = line.lastIndexOf(' ');
        return line.substring(0, space + 1) + edit.apply(new BigDecimal(line.substring(space + 1))).toPlainString();
    }

    private static String removeFirstLine(String body, String prefix) {
        return editFirstLine(body, prefix, line -> null);
    }

    /** Replaces the first line starting with {@code prefix} (null removes it). */
    private static String editFirstLine(String body, String prefix, UnaryOperator<String> edit) {
        List<String> lines = new ArrayList<>(body.lines().toList());
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                String edited = edit.apply(lines.get(i));
                if (edited == null) {
                    lines.remove(i);
                } else {
                    lines.set(i, edited);
                }
                return String.join("\n", lines) + "\n";
            }
        }
        throw new AssertionError("no line starts with " + prefix + " in\n" + body);
    }

    /**
     * What the prometheus receiver needs of the summaries of an OpenMetrics body to keep every
     * point (CONFORMANCE.md items 1 and 4): each point (a summary's labels without
     * {@code quantile}) has the quantiles 0.5, 0.9, 0.95, 0.99, 0.999 in that order, one
     * {@code _count} and one {@code _sum}; all its parts carry one timestamp; {@code _count} is a
     * non-negative integer; quantiles are ≥ 0 or NaN; there is no {@code _created}; and every
     * timestamp is OpenMetrics seconds (at most three decimals) within [now − 1 h, now + 10 min].
     *
     * <p>A small line reader of its own, independent of the exposition code under test. Immutable.
     */
    static final class SummaryPointChecker {

        private static final List<String> QUANTILES = List.of("0.5", "0.9", "0.95", "0.99", "0.999");
        private static final Pattern SECONDS = Pattern.compile("-?\\d+(\\.\\d{1,3})?");
        private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

        private final List<String> violations;
        private final int pointsChecked;

        private SummaryPointChecker(List<String> violations, int pointsChecked) {
            this.violations = List.copyOf(violations);
            this.pointsChecked = pointsChecked;
        }

        List<String> violations() {
            return violations;
        }

        int pointsChecked() {
            return pointsChecked;
        }

        /** One sample line: name, labels (values as written, still escaped), value and timestamp text. */
        private record Sample(String name, Map<String, String> labels, String value, String timestamp) {
        }

        static SummaryPointChecker check(String body, long nowMillis) {
            List<String> violations = new ArrayList<>();
            Map<String, String> typeByFamily = new LinkedHashMap<>();
            List<Sample> samples = new ArrayList<>();
            for (String line : body.split("\n", -1)) {
                if (line.startsWith("# TYPE ")) {
                    String[] parts = line.split(" ");
                    typeByFamily.put(parts[2], parts[3]);
                } else if (!line.isEmpty() && !line.startsWith("#")) {
                    Sample sample = parse(line);
                    if (sample == null) {
                        violations.add("unreadable sample line: " + line);
                    } else {
                        samples.add(sample);
                    }
                }
            }
            for (Sample sample : samples) {
                if (sample.name().endsWith("_created")) {
                    violations.add("a _created sample: " + sample);
                }
                if (sample.timestamp() != null) {
                    checkTimestamp(sample, nowMillis, violations);
                }
            }
            int points = 0;
            for (Map.Entry<String, String> family : typeByFamily.entrySet()) {
                if (family.getValue().equals("summary")) {
                    points += checkSummary(family.getKey(), samples, violations);
                }
            }
            return new SummaryPointChecker(violations, points);
        }

        private static void checkTimestamp(Sample sample, long nowMillis, List<String> violations) {
            if (!SECONDS.matcher(sample.timestamp()).matches()) {
                violations.add("timestamp is not OpenMetrics seconds with at most 3 decimals: " + sample);
                return;
            }
            double seconds = Double.parseDouble(sample.timestamp());
            if (seconds < nowMillis / 1000.0 - 3600 || seconds > nowMillis / 1000.0 + 600) {
                violations.add("timestamp outside [now - 1 h, now + 10 min], Prometheus would drop it: " + sample);
            }
        }

        private static int checkSummary(String family, List<Sample> all, List<String> violations) {
            Map<String, List<Sample>> points = new LinkedHashMap<>();
            for (Sample sample : all) {
                boolean part = sample.name().equals(family) || sample.name().equals(family + "_count")
                        || sample.name().equals(family + "_sum");
                if (part) {
                    Map<String, String> pointLabels = new TreeMap<>(sample.labels());
                    pointLabels.remove("quantile");
                    points.computeIfAbsent(pointLabels.toString(), k -> new ArrayList<>()).add(sample);
                }
            }
            for (Map.Entry<String, List<Sample>> point : points.entrySet()) {
                String where = family + point.getKey();
                List<Sample> parts = point.getValue();
                List<String> quantiles = parts.stream().filter(s -> s.name().equals(family))
                        .map(s -> Objects.requireNonNullElse(s.labels().get("quantile"), "<none>")).toList();
                if (!quantiles.equals(QUANTILES)) {
                    violations.add(where + ": quantiles " + quantiles + ", expected " + QUANTILES);
                }
                List<Sample> counts = parts.stream().filter(s -> s.name().equals(family + "_count")).toList();
                List<Sample> sums = parts.stream().filter(s -> s.name().equals(family + "_sum")).toList();
                if (counts.size() != 1) {
                    violations.add(where + ": " + counts.size() + " _count samples, expected 1");
                }
                if (sums.size() != 1) {
                    violations.add(where + ": " + sums.size() + " _sum samples, expected 1");
                }
                for (Sample count : counts) {
                    double value = number(count.value());
                    if (!(value >= 0) || Double.isInfinite(value) || value != Math.rint(value)) {
                        violations.add(where + ": _count is not a non-negative integer: " + count.value());
                    }
                }
                for (Sample quantile : parts.stream().filter(s -> s.name().equals(family)).toList()) {
                    double value = number(quantile.value());
                    if (value < 0) {
                        violations.add(where + ": negative quantile " + quantile);
                    }
                }
                List<String> stamps = parts.stream()
                        .map(s -> s.timestamp() == null ? "none" : canonical(s.timestamp()))
                        .distinct().toList();
                if (stamps.size() != 1) {
                    violations.add(where + ": parts carry different timestamps " + stamps);
                }
            }
            return points.size();
        }

        /** A sample value as OpenMetrics spells it ({@code NaN}, {@code +Inf}, {@code -Inf} included). */
        private static double number(String text) {
            return switch (text) {
                case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> {
                    try {
                        yield Double.parseDouble(text);
                    } catch (NumberFormatException e) {
                        yield Double.NaN;
                    }
                }
            };
        }

        /** A timestamp compared by value ({@code 1.50} equals {@code 1.5}); unreadable text as written. */
        private static String canonical(String timestamp) {
            try {
                return new BigDecimal(timestamp).stripTrailingZeros().toPlainString();
            } catch (NumberFormatException e) {
                return timestamp;
            }
        }

        /** Reads {@code name[{labels}] value [timestamp]}; null when the line does not have that shape. */
        private static Sample parse(String line) {
            Matcher name = NAME.matcher(line);
            if (!name.lookingAt()) {
                return null;
            }
            int i = name.end();
            Map<String, String> labels = new LinkedHashMap<>();
            if (i < line.length() && line.charAt(i) == '{') {
                i++;
                while (i < line.length() && line.charAt(i) != '}') {
                    int eq = line.indexOf("=\"", i);
                    if (eq < 0) {
                        return null;
                    }
                    String label = line.substring(i, eq);
                    int j = eq + 2;
                    StringBuilder value = new StringBuilder();
                    while (j < line.length() && line.charAt(j) != '"') {
                        if (line.charAt(j) == '\\' && j + 1 < line.length()) {
                            value.append(line, j, j + 2);
                            j += 2;
                        } else {
                            value.append(line.charAt(j++));
                        }
                    }
                    if (j >= line.length()) {
                        return null;
                    }
                    labels.put(label, value.toString());
                    i = j + 1;
                    if (i < line.length() && line.charAt(i) == ',') {
                        i++;
                    }
                }
                if (i >= line.length()) {
                    return null;
                }
                i++;
            }
            String[] rest = line.substring(i).trim().split(" ");
            if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
                return null;
            }
            return new Sample(line.substring(0, name.end()), labels, rest[0], rest.length == 2 ? rest[1] : null);
        }
    }
}
