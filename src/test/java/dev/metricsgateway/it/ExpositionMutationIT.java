package dev.metricsgateway.it;

import static dev.metricsgateway.it.GatewayClient.SCRAPE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metricsgateway.it.PrometheusExposition.Format;
import dev.metricsgateway.testing.ExternalTool;
import dev.metricsgateway.testing.SampleEvents;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer checks can fail (issue 3, item 3): a known-good scrape of the real gateway, in both
 * formats, is mutated in the ways that lose data at a consumer, and each mutation is shown to be
 * caught by at least one check the suite uses:
 * <ul>
 *   <li>{@link Check#PROMTOOL}: {@code promtool check metrics} (text 0.0.4 only);</li>
 *   <li>{@link Check#PYTHON_TEXT_PARSER} and {@link Check#PYTHON_OPENMETRICS_PARSER}: the Prometheus
 *       Python client's parsers (the Datadog check's), chosen by the body's format;</li>
 *   <li>{@link Check#PROMETHEUS_SCRAPE}: a real Prometheus scraping the body (served with the
 *       format's exact Content-Type by a {@link PrometheusStaticTargets}) reports the target down
 *       or with an error, or stores fewer series than the body holds;</li>
 *   <li>{@link Check#SUMMARY_INVARIANTS}: {@link PrometheusSummaryInvariants}, what the OTel
 *       receiver needs of a summary.</li>
 * </ul>
 * The unmutated bodies pass every check (the control). One gateway, one static server and one
 * Prometheus (a job per body) serve the whole class, to keep CI time low; every check runs in
 * {@link #scrapeMutateAndCheckEveryBody()} and each test asserts on its bodies' verdicts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpositionMutationIT {

    /** The checks the suite applies to a scrape body. */
    enum Check {
        PROMTOOL, PYTHON_TEXT_PARSER, PYTHON_OPENMETRICS_PARSER, PROMETHEUS_SCRAPE, SUMMARY_INVARIANTS;

        static List<Check> applicableTo(Format format) {
            return format == Format.TEXT
                    ? List.of(PROMTOOL, PYTHON_TEXT_PARSER, PROMETHEUS_SCRAPE, SUMMARY_INVARIANTS)
                    : List.of(PYTHON_OPENMETRICS_PARSER, PROMETHEUS_SCRAPE, SUMMARY_INVARIANTS);
        }
    }

    /** One body a job scrapes: its name (also its path and job name), its format, the bytes. */
    private record Case(String name, Format format, String body) {
    }

    /** What one check said of one body: caught it (with why) or passed it. */
    private record Verdict(boolean caught, String detail) {
    }

    /** The summary every mutation of a summary works on (GA; every SampleEvents batch feeds it). */
    private static final String SUMMARY = "feature_service_total_latency";
    private static final Duration SCRAPE_BOUND = Duration.ofSeconds(30);
    private static final Pattern OPENMETRICS_TIMESTAMP = Pattern.compile("(?m)^([^#\\n].*) (\\d+)\\.(\\d{3})$");

    /** Static: JUnit fills an instance field only before each test, after {@code @BeforeAll}. */
    @TempDir
    static Path workDir;

    private final JarProcesses children = new JarProcesses();
    private final Map<String, Case> cases = new LinkedHashMap<>();
    private final Map<String, Map<Check, Verdict>> verdicts = new LinkedHashMap<>();
    private PrometheusStaticTargets targets;
    private PrometheusServer prometheus;
    private Map<String, Double> droppedSampleCounters;
    private String goodText;
    private String goodOpenMetrics;

    @BeforeAll
    void scrapeMutateAndCheckEveryBody() throws IOException {
        ExternalTool.requirePromtool();
        ExternalTool.requirePythonClient();
        PrometheusServer.require();
        scrapeTheRealGateway();

        add("control-text", Format.TEXT, goodText);
        add("control-openmetrics", Format.OPENMETRICS, goodOpenMetrics);
        add("a-openmetrics-millisecond-timestamps", Format.OPENMETRICS, millisecondTimestamps(goodOpenMetrics));
        add("b-openmetrics-without-eof", Format.OPENMETRICS, withoutEof(goodOpenMetrics));
        add("c-text-summary-without-count", Format.TEXT, withoutCount(goodText));
        add("c-openmetrics-summary-without-count", Format.OPENMETRICS, withoutCount(goodOpenMetrics));
        add("d-text-mixed-summary-timestamps", Format.TEXT, mixedSummaryTimestamps(goodText, Format.TEXT));
        add("d-openmetrics-mixed-summary-timestamps", Format.OPENMETRICS, mixedSummaryTimestamps(goodOpenMetrics, Format.OPENMETRICS));
        add("e-text-blank-line", Format.TEXT, withBlankLine(goodText));
        add("e-openmetrics-blank-line", Format.OPENMETRICS, withBlankLine(goodOpenMetrics));

        startPrometheusOnEveryCase();
        // The local checks run while Prometheus loads its targets (its first scrape comes after
        // a reload tick of about 5 s); its own verdicts are taken once it has scraped every body.
        for (Case body : cases.values()) {
            Map<Check, Verdict> checks = new EnumMap<>(Check.class);
            for (Check check : Check.applicableTo(body.format())) {
                if (check != Check.PROMETHEUS_SCRAPE) {
                    checks.put(check, run(check, body));
                }
            }
            verdicts.put(body.name(), checks);
        }
        awaitEveryCaseScrapedTwice();
        for (Case body : cases.values()) {
            verdicts.get(body.name()).put(Check.PROMETHEUS_SCRAPE, run(Check.PROMETHEUS_SCRAPE, body));
        }
        droppedSampleCounters = prometheus.droppedSampleCounters();
        printMatrix();
    }

    @AfterAll
    void stopEverything() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (targets != null) {
            targets.close();
        }
        children.destroyAll();
    }

    // ---- the tests: one per mutation, plus the control ----

    @Test
    void theKnownGoodScrapesOfTheRealGatewayPassEveryCheck() {
        for (String control : List.of("control-text", "control-openmetrics")) {
            assertThat(verdicts.get(control)).as(control)
                    .hasSize(Check.applicableTo(cases.get(control).format()).size())
                    .allSatisfy((check, verdict) -> assertThat(verdict.caught()).as(control + " / " + check + ": " + verdict.detail()).isFalse());
        }
    }

    @Test
    void theRealGatewayOutputKeepsTheSummaryInvariantsInBothFormats() {
        for (Format format : Format.values()) {
            PrometheusExposition real = PrometheusExposition.parse(format == Format.TEXT ? goodText : goodOpenMetrics, format);
            long summaries = real.families().stream().filter(family -> family.type().equals("summary")).count();
            assertThat(summaries).as("the catalog's three summaries are served").isEqualTo(3);
            assertThat(PrometheusSummaryInvariants.violations(real)).as(format.name()).isEmpty();
        }
    }

    @Test
    void millisecondTimestampsUnderTheOpenMetricsContentTypeAreCaughtByPrometheusWhichStoresNothing() {
        Map<Check, Verdict> checks = verdicts.get("a-openmetrics-millisecond-timestamps");

        assertThat(checks.get(Check.PROMETHEUS_SCRAPE).caught()).as(describe(checks)).isTrue();
        assertThat(checks.get(Check.PROMETHEUS_SCRAPE).detail()).as("the target stays up: the loss is silent but for the counter")
                .startsWith("stored 0 of ");
        assertThat(droppedSampleCounters.get("prometheus_target_scrapes_sample_out_of_bounds_total")).isPositive();
    }

    @Test
    void aMissingEofIsCaughtByThePythonOpenMetricsParserAndByPrometheus() {
        Map<Check, Verdict> checks = verdicts.get("b-openmetrics-without-eof");

        assertThat(checks.get(Check.PYTHON_OPENMETRICS_PARSER).caught()).as(describe(checks)).isTrue();
        assertThat(checks.get(Check.PYTHON_OPENMETRICS_PARSER).detail()).contains("EOF");
        assertThat(checks.get(Check.PROMETHEUS_SCRAPE).caught()).as(describe(checks)).isTrue();
    }

    @Test
    void aSummaryWithoutCountIsCaughtByTheSummaryInvariantsInBothFormats() {
        for (String name : List.of("c-text-summary-without-count", "c-openmetrics-summary-without-count")) {
            Map<Check, Verdict> checks = verdicts.get(name);

            assertThat(checks.get(Check.SUMMARY_INVARIANTS).caught()).as(name + "\n" + describe(checks)).isTrue();
            assertThat(checks.get(Check.SUMMARY_INVARIANTS).detail()).contains(SUMMARY + "{}: 0 _count samples");
        }
    }

    @Test
    void mixedTimestampsInOneSummaryPointAreCaughtByTheSummaryInvariantsInBothFormats() {
        for (String name : List.of("d-text-mixed-summary-timestamps", "d-openmetrics-mixed-summary-timestamps")) {
            Map<Check, Verdict> checks = verdicts.get(name);

            assertThat(checks.get(Check.SUMMARY_INVARIANTS).caught()).as(name + "\n" + describe(checks)).isTrue();
            assertThat(checks.get(Check.SUMMARY_INVARIANTS).detail()).contains(SUMMARY + "{}: parts carry different timestamps");
        }
    }

    /**
     * OpenMetrics forbids blank lines; the text format 0.0.4 says "empty lines are ignored", and
     * promtool, the Python text parser and Prometheus do ignore one, so there is nothing to catch.
     */
    @Test
    void aBlankLineIsCaughtUnderOpenMetricsAndIgnoredAsTheTextFormatAllows() {
        Map<Check, Verdict> openMetrics = verdicts.get("e-openmetrics-blank-line");
        Map<Check, Verdict> text = verdicts.get("e-text-blank-line");

        assertThat(openMetrics.get(Check.PYTHON_OPENMETRICS_PARSER).caught()).as(describe(openMetrics)).isTrue();
        assertThat(openMetrics.get(Check.PYTHON_OPENMETRICS_PARSER).detail()).contains("blank line");
        assertThat(openMetrics.get(Check.PROMETHEUS_SCRAPE).caught()).as(describe(openMetrics)).isTrue();
        assertThat(text).as(describe(text)).allSatisfy((check, verdict) -> assertThat(verdict.caught()).as(check.name()).isFalse());
    }

    // ---- the known-good bodies and the mutations ----

    private void scrapeTheRealGateway() {
        String key = "mutation-it-" + UUID.randomUUID().toString().replace("-", "");
        JarProcess jar = children.start(workDir, Map.of("METRICS_GATEWAY_BOOTSTRAP_KEY", key),
                "serve", "--port", "0", "--data-dir", workDir.resolve("data").toString());
        URI base = jar.awaitListening();
        GatewayClient gateway = new GatewayClient(base);
        HttpResponse<String> ingest = gateway.postEvents(key, SampleEvents.everyType(System.currentTimeMillis()));
        assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(202);
        goodText = scrape(base, key, "text/plain", Format.TEXT);
        goodOpenMetrics = scrape(base, key, "application/openmetrics-text", Format.OPENMETRICS);
        children.destroyAll();
    }

    private static String scrape(URI base, String key, String accept, Format format) {
        HttpResponse<String> scrape = PrometheusHttp.get(base.resolve(SCRAPE), Map.of("Authorization", "Tecton-key " + key, "Accept", accept));
        assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValue(format.contentType);
        return scrape.body();
    }

    private void add(String name, Format format, String body) {
        cases.put(name, new Case(name, format, body));
    }

    /** (a) Every OpenMetrics timestamp written as text 0.0.4 writes it: integer milliseconds. */
    private static String millisecondTimestamps(String openMetrics) {
        Matcher matcher = OPENMETRICS_TIMESTAMP.matcher(openMetrics);
        String mutated = matcher.replaceAll("$1 $2$3");
        assertThat(mutated).as("every sample line had a seconds.millis timestamp").isNotEqualTo(openMetrics);
        return mutated;
    }

    /** (b) The body without its final {@code # EOF}. */
    private static String withoutEof(String openMetrics) {
        assertThat(openMetrics).endsWith("\n# EOF\n");
        return openMetrics.substring(0, openMetrics.length() - "# EOF\n".length());
    }

    /** (c) The {@code _count} line of {@link #SUMMARY}'s only point removed. */
    private static String withoutCount(String body) {
        return replaceLine(body, SUMMARY + "_count ", line -> null);
    }

    /** (d) The 0.99 quantile of {@link #SUMMARY} stamped one second before the rest of its point. */
    private static String mixedSummaryTimestamps(String body, Format format) {
        return replaceLine(body, SUMMARY + "{quantile=\"0.99\"} ", line -> {
            int space = line.lastIndexOf(' ');
            BigDecimal stamp = new BigDecimal(line.substring(space + 1));
            BigDecimal earlier = stamp.subtract(format == Format.TEXT ? BigDecimal.valueOf(1000) : BigDecimal.ONE);
            return line.substring(0, space + 1) + earlier.toPlainString();
        });
    }

    /** (e) An empty line after the first sample. */
    private static String withBlankLine(String body) {
        List<String> lines = new ArrayList<>(List.of(body.split("\n", -1)));
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isEmpty() && !lines.get(i).startsWith("#")) {
                lines.add(i + 1, "");
                return String.join("\n", lines);
            }
        }
        throw new AssertionError("no sample line in\n" + body);
    }

    /** Replaces (or, when {@code change} gives null, removes) the one line starting with {@code prefix}. */
    private static String replaceLine(String body, String prefix, UnaryOperator<String> change) {
        List<String> lines = new ArrayList<>(List.of(body.split("\n", -1)));
        List<Integer> matches = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                matches.add(i);
            }
        }
        assertThat(matches).as("one line starts with %s in%n%s", prefix, body).hasSize(1);
        int index = matches.get(0);
        String replacement = change.apply(lines.get(index));
        if (replacement == null) {
            lines.remove(index);
        } else {
            lines.set(index, replacement);
        }
        return String.join("\n", lines);
    }

    // ---- the checks ----

    private Verdict run(Check check, Case body) throws IOException {
        return switch (check) {
            case PROMTOOL -> external(List.of("/usr/bin/promtool", "check", "metrics"), body.body());
            case PYTHON_TEXT_PARSER -> external(List.of("/usr/bin/python3", parserScript().toString(), "text"), body.body());
            case PYTHON_OPENMETRICS_PARSER -> external(List.of("/usr/bin/python3", parserScript().toString(), "openmetrics"), body.body());
            case PROMETHEUS_SCRAPE -> prometheusVerdict(body);
            case SUMMARY_INVARIANTS -> {
                List<String> violations = PrometheusSummaryInvariants.violations(PrometheusExposition.parse(body.body(), body.format()));
                yield new Verdict(!violations.isEmpty(), violations.isEmpty() ? "holds" : String.join("; ", violations));
            }
        };
    }

    private static Verdict external(List<String> command, String body) throws IOException {
        ExternalTool.Result result = ExternalTool.run(command, body.getBytes(StandardCharsets.UTF_8));
        if (result.exitCode() == 0) {
            return new Verdict(false, "exit 0");
        }
        String output = (result.stdout() + result.stderr()).strip();
        String lastLine = output.substring(output.lastIndexOf('\n') + 1);
        return new Verdict(true, "exit " + result.exitCode() + ": " + lastLine);
    }

    private Path parserScript() throws IOException {
        Path script = workDir.resolve("parse_exposition.py");
        if (!Files.exists(script)) {
            try (InputStream in = getClass().getResourceAsStream("/conformance/parse_exposition.py")) {
                Files.write(script, in.readAllBytes());
            }
        }
        return script;
    }

    /** Serves every case on its own path and starts one Prometheus with a job per case. */
    private void startPrometheusOnEveryCase() throws IOException {
        targets = PrometheusStaticTargets.start();
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.putObject("global").put("scrape_interval", "1s");
        for (Case body : cases.values()) {
            targets.serve("/" + body.name(), body.format().contentType, body.body());
            ObjectNode job = config.withArrayProperty("scrape_configs").addObject();
            job.put("job_name", body.name());
            job.put("metrics_path", "/" + body.name());
            job.put("honor_timestamps", true);
            job.putArray("static_configs").addObject().putArray("targets").add(targets.hostAndPort());
        }
        Path prometheusDir = Files.createDirectories(workDir.resolve("prometheus"));
        prometheus = PrometheusServer.start(prometheusDir, PrometheusExampleConfig.write(config));
    }

    /** Waits until Prometheus has scraped every body at least twice, so the first scrape is stored and reported. */
    private void awaitEveryCaseScrapedTwice() {
        PrometheusHttp.await("every body scraped twice", SCRAPE_BOUND,
                () -> cases.keySet().stream().allMatch(name -> targets.timesServed("/" + name) >= 2) ? Optional.of(true) : Optional.empty(),
                () -> prometheus.activeTargets() + "\n" + prometheus.log());
    }

    private Verdict prometheusVerdict(Case body) {
        JsonObject target = prometheus.target(body.name()).orElseThrow(() -> new AssertionError("no target " + body.name()));
        String health = target.getString("health");
        String lastError = target.getString("lastError");
        if (!"up".equals(health) || !lastError.isEmpty()) {
            return new Verdict(true, "target " + health + ": " + lastError);
        }
        Set<Map<String, String>> expected = PrometheusExposition.parse(body.body(), body.format()).valuesBySeries().keySet();
        Set<Map<String, String>> stored = prometheus.storedSeries(body.name()).keySet();
        long missing = expected.stream().filter(series -> !stored.contains(series)).count();
        String counts = "stored " + (expected.size() - missing) + " of " + expected.size() + " series";
        return new Verdict(missing > 0, counts + (missing > 0 ? ", target up with no error" : ""));
    }

    private static String describe(Map<Check, Verdict> checks) {
        StringBuilder text = new StringBuilder();
        checks.forEach((check, verdict) -> text.append(String.format("  %-26s %-6s %s%n", check,
                verdict.caught() ? "CAUGHT" : "passed", verdict.detail())));
        return text.toString();
    }

    private void printMatrix() {
        StringBuilder matrix = new StringBuilder("ExpositionMutationIT: which check catches which body\n");
        verdicts.forEach((name, checks) -> matrix.append(name).append('\n').append(describe(checks)));
        System.out.print(matrix);
    }
}
