package dev.metricsgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.metricsgateway.testing.ExternalTool;
import dev.metricsgateway.testing.SampleEvents;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Datadog Agent's OpenMetrics check, configured by {@code examples/datadog/conf.yaml},
 * against the packaged jar fed one batch of every event type (SampleEvents, dated now).
 *
 * <p>{@code src/test/resources/datadog/datadog_check.py} stands in for the check: it sends the
 * request the check sends (the example's {@code auth_token} read from a key file, the check's
 * Accept), picks the Prometheus Python client parser from the response's Content-Type as the check
 * does (with {@code use_latest_spec} it uses the OpenMetrics parser whatever the Content-Type),
 * and maps the families as the check's gauge and summary transformers do. These tests hold every
 * submitted name, tag and value to what the catalog defines for the known events.
 *
 * <p>The read-only tests share one gateway; the test that posts a second batch has its own.
 */
class DatadogCheckIT {

    private static final Path EXAMPLE = Path.of("examples", "datadog", "conf.yaml");
    private static final String SCRIPT_RESOURCE = "/datadog/datadog_check.py";
    private static final String EXAMPLE_ENDPOINT = "http://127.0.0.1:8080" + GatewayClient.SCRAPE;
    private static final String TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final double WINDOW_SECONDS = 300;
    private static final double[] QUANTILES = {0.5, 0.9, 0.95, 0.99, 0.999};
    private static final Pattern BOOTSTRAP_LINE = Pattern.compile("Bootstrap admin API Key: (\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the check asks for the metrics, and what it must get back. */
    enum CheckRequest {
        /** The check's default: {@code Accept: text/plain}. */
        DEFAULT_ACCEPT_TEXT_PLAIN(false, null, "text/plain", TEXT_CONTENT_TYPE, "prometheus"),
        /** {@code use_latest_spec: true}: the check asks for OpenMetrics and uses its strict parser. */
        USE_LATEST_SPEC(true, null,
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1",
                OPENMETRICS_CONTENT_TYPE, "openmetrics"),
        /**
         * Agent 7.46's check sent Prometheus' Accept by default and chose the parser from the
         * response's Content-Type alone (Datadog's OpenMetrics troubleshooting notes).
         */
        AGENT_7_46_PROMETHEUS_ACCEPT(false,
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                        + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                        + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
                OPENMETRICS_CONTENT_TYPE, "openmetrics");

        final boolean useLatestSpec;
        final String acceptOverride;
        final String expectedAccept;
        final String expectedContentType;
        final String expectedParser;

        CheckRequest(boolean useLatestSpec, String acceptOverride, String expectedAccept,
                     String expectedContentType, String expectedParser) {
            this.useLatestSpec = useLatestSpec;
            this.acceptOverride = acceptOverride;
            this.expectedAccept = expectedAccept;
            this.expectedContentType = expectedContentType;
            this.expectedParser = expectedParser;
        }
    }

    /** The gateway the read-only tests share: fed SampleEvents once, never changed after. */
    @TempDir
    static Path sharedDir;
    private static final JarProcesses SHARED = new JarProcesses();
    private static Gateway shared;

    @TempDir
    Path workDir;

    private final JarProcesses children = new JarProcesses();

    @BeforeAll
    static void serveTheSharedGateway() {
        shared = serveWithEveryEventType(SHARED, sharedDir);
    }

    @AfterAll
    static void killTheSharedGateway() {
        SHARED.destroyAll();
    }

    @AfterEach
    void killChildren() {
        children.destroyAll();
    }

    @Test
    void theExampleConfigurationHasEveryOptionTheIssueAsksFor() throws IOException {
        String text = Files.readString(EXAMPLE, StandardCharsets.UTF_8);
        JsonNode config = new YAMLMapper().readTree(text);

        assertThat(config.has("init_config")).as("init_config").isTrue();
        assertThat(config.path("instances")).hasSize(1);
        JsonNode instance = config.path("instances").get(0);
        assertThat(instance.path("openmetrics_endpoint").asText()).isEqualTo(EXAMPLE_ENDPOINT);
        assertThat(instance.path("namespace").asText()).isEqualTo("tecton");
        assertThat(instance.path("metrics")).hasSize(1);
        assertThat(instance.path("metrics").get(0).asText()).isEqualTo(".+");
        assertThat(instance.path("min_collection_interval").asInt()).isEqualTo(30);
        JsonNode reader = instance.path("auth_token").path("reader");
        JsonNode writer = instance.path("auth_token").path("writer");
        assertThat(reader.path("type").asText()).isEqualTo("file");
        assertThat(reader.path("path").asText()).startsWith("/");
        assertThat(writer.path("type").asText()).isEqualTo("header");
        assertThat(writer.path("name").asText()).isEqualTo("Authorization");
        assertThat(writer.path("value").asText()).isEqualTo("Tecton-key <TOKEN>");
        assertThat(instance.has("headers")).as("headers is only the commented alternative").isFalse();
        assertThat(text)
                .containsPattern("(?m)^\\s*#\\s*headers:\\s*$")
                .containsPattern("(?m)^\\s*#\\s+Authorization: \"Tecton-key <key>\"\\s*$")
                .containsPattern("(?m)^\\s*#\\s+Accept: text/plain\\s*$")
                .containsPattern("(?m)^\\s*#\\s*use_latest_spec: true\\s*$");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(CheckRequest.class)
    void theCheckSubmitsEveryKnownSeriesWithItsNameTagsAndValue(CheckRequest request) throws IOException {
        Gateway gateway = shared;

        JsonNode scrape = runCheck(gateway, request);

        assertThat(scrape.path("request_headers").path("Authorization").asText()).isEqualTo("Tecton-key " + gateway.key());
        assertThat(scrape.path("request_headers").path("Accept").asText()).isEqualTo(request.expectedAccept);
        assertThat(scrape.path("status").asInt()).isEqualTo(200);
        assertThat(scrape.path("content_type").asText()).isEqualTo(request.expectedContentType);
        assertThat(scrape.path("parser").asText()).isEqualTo(request.expectedParser);
        assertMatchesTheKnownEvents(submissions(scrape), gateway.endpoint());
    }

    @Test
    void successiveScrapesNeverLowerTheSummaryCountsAndSumsTheCheckTurnsIntoMonotonicCounts() throws IOException {
        Gateway gateway = serveWithEveryEventType(children, workDir);
        Map<SeriesKey, Submission> firstText = submissions(runCheck(gateway, CheckRequest.DEFAULT_ACCEPT_TEXT_PLAIN));
        Map<SeriesKey, Submission> firstOpenMetrics = submissions(runCheck(gateway, CheckRequest.USE_LATEST_SPEC));

        post(gateway, SampleEvents.everyType(System.currentTimeMillis()));
        Map<SeriesKey, Submission> secondText = submissions(runCheck(gateway, CheckRequest.DEFAULT_ACCEPT_TEXT_PLAIN));
        Map<SeriesKey, Submission> secondOpenMetrics = submissions(runCheck(gateway, CheckRequest.USE_LATEST_SPEC));

        assertThat(firstOpenMetrics).as("both formats give the check the same submissions").isEqualTo(firstText);
        assertThat(secondOpenMetrics).as("both formats give the check the same submissions").isEqualTo(secondText);
        List<SeriesKey> monotonic = firstText.values().stream()
                .filter(s -> s.type().equals("monotonic_count")).map(Submission::key).toList();
        assertThat(monotonic).as("every summary series has .count and .sum").hasSize(2 * 4);
        for (SeriesKey key : monotonic) {
            assertThat(secondText).containsKey(key);
            double before = firstText.get(key).value();
            double after = secondText.get(key).value();
            assertThat(after).as("%s: the same events again double it", key).isCloseTo(2 * before, within(1e-12));
        }
    }

    @Test
    void theCheckMappingSkipsNanSamplesAndIgnoresSampleTimestamps() throws IOException {
        String body = String.join("\n",
                "# HELP idle_age Age. Release stage: Preview.",
                "# TYPE idle_age gauge",
                "idle_age{workspace=\"prod\"} NaN 1692222226141",
                "idle_age{workspace=\"dev\"} 4.5 1692222226141",
                "# HELP idle_latency Latency. Release stage: GA.",
                "# TYPE idle_latency summary",
                "idle_latency{quantile=\"0.5\"} NaN 1692222226141",
                "idle_latency{quantile=\"0.999\"} NaN 1692222226141",
                "idle_latency_count 7 1692222226141",
                "idle_latency_sum 0.25 1692222226141",
                "");

        JsonNode mapped = runScript(List.of("map", TEXT_CONTENT_TYPE, "tecton", "http://gw/m"), body.getBytes(StandardCharsets.UTF_8));

        assertThat(mapped.path("parser").asText()).isEqualTo("prometheus");
        assertThat(submissions(mapped).values()).containsExactlyInAnyOrder(
                new Submission("tecton.idle_age", "gauge", 4.5, List.of("workspace:dev", "endpoint:http://gw/m")),
                new Submission("tecton.idle_latency.count", "monotonic_count", 7, List.of("endpoint:http://gw/m")),
                new Submission("tecton.idle_latency.sum", "monotonic_count", 0.25, List.of("endpoint:http://gw/m")));
    }

    // ---------------------------------------------------------------------------------------------

    /** A running gateway: its base URI and the bootstrap admin key. */
    private record Gateway(URI base, String key) {

        String endpoint() {
            return base.resolve(GatewayClient.SCRAPE).toString();
        }
    }

    /** One metric submission of the check, as the Agent would receive it. */
    private record Submission(String name, String type, double value, List<String> tags) {

        SeriesKey key() {
            return new SeriesKey(name, new TreeSet<>(tags));
        }
    }

    /** A Datadog series: metric name and tag set. */
    private record SeriesKey(String name, SortedSet<String> tags) {
    }

    private enum Tolerance { EXACT, ROUNDING, ONE_PERCENT }

    private record Expectation(String type, double value, Tolerance tolerance) {
    }

    private static Gateway serveWithEveryEventType(JarProcesses processes, Path dir) {
        JarProcess process = processes.start(dir, Map.of(),
                "serve", "--port", "0", "--data-dir", dir.resolve("data").toString());
        URI base = process.awaitListening();
        List<Matcher> matches = process.stdoutLinesSoFar().stream()
                .map(BOOTSTRAP_LINE::matcher).filter(Matcher::matches).toList();
        assertThat(matches).as(process.transcripts()).hasSize(1);
        Gateway gateway = new Gateway(base, matches.get(0).group(1));
        post(gateway, SampleEvents.everyType(System.currentTimeMillis()));
        return gateway;
    }

    private static void post(Gateway gateway, String ndjson) {
        HttpResponse<String> answer = new GatewayClient(gateway.base()).postEvents(gateway.key(), ndjson);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(answer.body()).isEqualTo("{\"accepted\":9,\"late\":0}");
    }

    /** Runs the check's stand-in with the example's instance, pointed at this gateway. */
    private JsonNode runCheck(Gateway gateway, CheckRequest request) throws IOException {
        ObjectNode instance = (ObjectNode) new YAMLMapper().readTree(EXAMPLE.toFile()).path("instances").get(0).deepCopy();
        Path keyFile = workDir.resolve("tecton-api-key");
        // Written as `echo $KEY > file` would: the check strips the final newline.
        Files.writeString(keyFile, gateway.key() + "\n", StandardCharsets.UTF_8);
        instance.put("openmetrics_endpoint", gateway.endpoint());
        ((ObjectNode) instance.path("auth_token").path("reader")).put("path", keyFile.toString());
        instance.put("use_latest_spec", request.useLatestSpec);
        List<String> args = new ArrayList<>(List.of("scrape"));
        if (request.acceptOverride != null) {
            args.addAll(List.of("--accept", request.acceptOverride));
        }
        return runScript(args, JSON.writeValueAsBytes(instance));
    }

    private JsonNode runScript(List<String> args, byte[] stdin) throws IOException {
        ExternalTool.requirePythonClient();
        Path script = workDir.resolve("datadog_check.py");
        if (!Files.exists(script)) {
            try (InputStream in = DatadogCheckIT.class.getResourceAsStream(SCRIPT_RESOURCE)) {
                assertThat(in).as(SCRIPT_RESOURCE).isNotNull();
                Files.write(script, in.readAllBytes());
            }
        }
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
        command.addAll(args);
        ExternalTool.Result result = ExternalTool.run(command, stdin);
        assertThat(result.exitCode()).as("%s%n%s", command, result.stderr()).isZero();
        return JSON.readTree(result.stdout());
    }

    private static Map<SeriesKey, Submission> submissions(JsonNode scrape) {
        Map<SeriesKey, Submission> byKey = new LinkedHashMap<>();
        for (JsonNode node : scrape.path("submissions")) {
            List<String> tags = new ArrayList<>();
            node.path("tags").forEach(tag -> tags.add(tag.asText()));
            Submission submission = new Submission(node.path("name").asText(), node.path("type").asText(),
                    node.path("value").asDouble(), List.copyOf(tags));
            assertThat(submission.type()).as(submission.toString()).isIn("gauge", "monotonic_count");
            if (byKey.put(submission.key(), submission) != null) {
                fail("two submissions for one series: %s", submission.key());
            }
        }
        return byKey;
    }

    /**
     * What the catalog defines for SampleEvents.everyType(now), as the check submits it: rates are
     * counts or sums over W = 300 s, ages in seconds, percentages of all requests; summaries give
     * nearest-rank quantiles (within the contract's 1 %), {@code _count} and {@code _sum}.
     */
    private static void assertMatchesTheKnownEvents(Map<SeriesKey, Submission> actual, String endpoint) {
        String tricky = SampleEvents.TRICKY_NAME;
        Map<SeriesKey, Expectation> expected = new LinkedHashMap<>();
        String[] featureView = {"workspace:prod", "feature_view_name:user_txn", "feature_view_id:fv-1"};
        String[] fs1 = {"feature_service_id:fs-1", "feature_service_name:" + tricky};
        String[] fs2 = {"feature_service_id:fs-2", "feature_service_name:recs"};

        gauge(expected, endpoint, "feature_service_requests_total_rate", 2 / WINDOW_SECONDS, "aws_region:us-west-2");
        gauge(expected, endpoint, "feature_service_requests_total_rate", 1 / WINDOW_SECONDS, "aws_region:eu-west-1");
        gauge(expected, endpoint, "feature_service_requests_rate", 2 / WINDOW_SECONDS, with(fs1, "aws_region:us-west-2"));
        gauge(expected, endpoint, "feature_service_requests_rate", 1 / WINDOW_SECONDS, with(fs2, "aws_region:eu-west-1"));
        summary(expected, endpoint, "feature_service_total_latency", new double[] {0.004, 0.020, 0.010});
        summary(expected, endpoint, "feature_service_latency", new double[] {0.004, 0.020}, fs1);
        summary(expected, endpoint, "feature_service_latency", new double[] {0.010}, fs2);
        gauge(expected, endpoint, "feature_server_errors_rate", 100.0 * 1 / 3, "status:503");
        gauge(expected, endpoint, "feature_server_errors_rate", 100.0 * 1 / 3, "status:404");
        gauge(expected, endpoint, "feature_server_utilization", 61.25, "aws_region:us-west-2");
        gauge(expected, endpoint, "spark_stream_max_processed_event_age", 90, featureView);
        gauge(expected, endpoint, "spark_stream_average_processed_event_age", 30, featureView);
        gauge(expected, endpoint, "spark_stream_input_rate", 1200 / WINDOW_SECONDS, featureView);
        gauge(expected, endpoint, "spark_stream_processing_rate", 1000 / WINDOW_SECONDS, featureView);
        gauge(expected, endpoint, "spark_stream_served_feature_age", 12, featureView);
        gauge(expected, endpoint, "spark_stream_online_store_write_rate", 900 / WINDOW_SECONDS, featureView);
        gauge(expected, endpoint, "stream_ingestapi_request_rate", 2 / WINDOW_SECONDS, "aws_region:us-east-1");
        summary(expected, endpoint, "stream_ingestapi_request_processing_latency", new double[] {0.15, 0.9}, "aws_region:us-east-1");
        gauge(expected, endpoint, "stream_ingestapi_request_processing_error_rate", 1 / WINDOW_SECONDS,
                "aws_region:us-east-1", "error_code:5xx");
        gauge(expected, endpoint, "stream_ingestapi_online_store_write_rate", 30 / WINDOW_SECONDS, featureView);
        gauge(expected, endpoint, "stream_ingestapi_offline_store_write_rate", 60 / WINDOW_SECONDS, featureView);

        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((key, expectation) -> {
            Submission submission = actual.get(key);
            assertThat(submission.type()).as("type of %s", key).isEqualTo(expectation.type());
            switch (expectation.tolerance()) {
                case EXACT -> assertThat(submission.value()).as("%s", key).isEqualTo(expectation.value());
                // A sum of doubles depends on the order of the additions, nothing else.
                case ROUNDING -> assertThat(submission.value()).as("%s", key).isCloseTo(expectation.value(), within(1e-12));
                case ONE_PERCENT -> assertThat(submission.value()).as("%s", key).isCloseTo(expectation.value(), withinPercentage(1));
            }
        });
    }

    private static String[] with(String[] tags, String... more) {
        String[] all = Arrays.copyOf(tags, tags.length + more.length);
        System.arraycopy(more, 0, all, tags.length, more.length);
        return all;
    }

    private static SeriesKey key(String name, String endpoint, String... tags) {
        TreeSet<String> all = new TreeSet<>(Arrays.asList(tags));
        all.add("endpoint:" + endpoint);
        return new SeriesKey("tecton." + name, all);
    }

    private static void gauge(Map<SeriesKey, Expectation> expected, String endpoint, String metric, double value, String... tags) {
        expected.put(key(metric, endpoint, tags), new Expectation("gauge", value, Tolerance.EXACT));
    }

    private static void summary(Map<SeriesKey, Expectation> expected, String endpoint, String metric,
                                double[] observations, String... tags) {
        double[] sorted = observations.clone();
        Arrays.sort(sorted);
        for (double quantile : QUANTILES) {
            int rank = Math.max(1, (int) Math.ceil(quantile * sorted.length));
            expected.put(key(metric + ".quantile", endpoint, with(tags, "quantile:" + quantile)),
                    new Expectation("gauge", sorted[rank - 1], Tolerance.ONE_PERCENT));
        }
        expected.put(key(metric + ".count", endpoint, tags),
                new Expectation("monotonic_count", sorted.length, Tolerance.EXACT));
        expected.put(key(metric + ".sum", endpoint, tags),
                new Expectation("monotonic_count", Arrays.stream(observations).sum(), Tolerance.ROUNDING));
    }
}
