package dev.metricsgateway.it;

import static dev.metricsgateway.it.GatewayClient.SCRAPE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.MetricSpec;
import dev.metricsgateway.it.PrometheusExposition.Format;
import dev.metricsgateway.testing.SampleEvents;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's 2.42) scraping the packaged gateway with the job of
 * {@code examples/prometheus/prometheus.yml} (its path, its {@code Tecton-key} authorization with
 * {@code credentials_file}, its timestamp handling; only name, target, key file and a 1 s interval
 * changed), twice: job {@value #OPENMETRICS_JOB} as Prometheus negotiates (OpenMetrics 1.0.0) and
 * job {@value #TEXT_JOB} through a proxy that asks for text 0.0.4, since Prometheus 2.42 has no
 * setting for its Accept. Both jobs go through a {@link PrometheusRecordingProxy} (the OpenMetrics
 * one changes nothing), so the tests see on the gateway's side which format each job got.
 *
 * <p>The events are dated now (Prometheus accepts explicit timestamps only within about
 * [now − 1 h, now + 10 min]) and none arrives after the first scrape, so every value the gateway
 * serves stays the same for the whole test: rates and quantiles over a 300 s window, cumulative
 * {@code _count}/{@code _sum}, utilization within its 60 s instance TTL.
 */
class PrometheusScrapeIT {

    static final String OPENMETRICS_JOB = "metrics-gateway";
    static final String TEXT_JOB = "metrics-gateway-text";
    /** What Prometheus 2.42 sends (CONFORMANCE.md, Consumers). */
    static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
            + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    static final String TEXT_ACCEPT = "text/plain;version=0.0.4";
    /** Prometheus scrapes every second; this bounds how long it may take to show what the tests wait for. */
    private static final Duration SCRAPE_BOUND = Duration.ofSeconds(30);
    private static final double RELATIVE_TOLERANCE = 1e-9;

    @TempDir
    Path workDir;

    private final JarProcesses children = new JarProcesses();
    private final List<AutoCloseable> servers = new ArrayList<>();
    private String key;
    private GatewayClient gateway;
    private long eventsPostedMillis;
    private PrometheusRecordingProxy openMetricsProxy;
    private PrometheusRecordingProxy textProxy;
    private PrometheusServer prometheus;
    private Map<String, Double> droppedSamplesAtStart;

    @BeforeEach
    void startGatewayAndPrometheus() throws IOException {
        PrometheusServer.require();
        key = "prometheus-it-" + UUID.randomUUID().toString().replace("-", "");
        JarProcess jar = children.start(workDir, Map.of("METRICS_GATEWAY_BOOTSTRAP_KEY", key),
                "serve", "--port", "0", "--data-dir", workDir.resolve("data").toString());
        URI base = jar.awaitListening();
        gateway = new GatewayClient(base);
        eventsPostedMillis = System.currentTimeMillis();
        HttpResponse<String> ingest = gateway.postEvents(key, SampleEvents.everyType(eventsPostedMillis));
        assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(202);

        openMetricsProxy = track(PrometheusRecordingProxy.transparent(base));
        textProxy = track(PrometheusRecordingProxy.replacingAccept(base, TEXT_ACCEPT));
        Path prometheusDir = Files.createDirectories(workDir.resolve("prometheus"));
        // A trailing newline, as `echo key > file` leaves: Prometheus trims it.
        Path keyFile = Files.writeString(prometheusDir.resolve("metrics-gateway.key"), key + "\n");
        String config = PrometheusExampleConfig.config(List.of(
                PrometheusExampleConfig.job(OPENMETRICS_JOB, openMetricsProxy.hostAndPort(), keyFile),
                PrometheusExampleConfig.job(TEXT_JOB, textProxy.hostAndPort(), keyFile)));
        prometheus = track(PrometheusServer.start(prometheusDir, config));
        droppedSamplesAtStart = prometheus.droppedSampleCounters();
    }

    private <T extends AutoCloseable> T track(T server) {
        servers.add(0, server);
        return server;
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
        servers.clear();
        children.destroyAll();
    }

    /** The gateway's own text 0.0.4 scrape (what curl gets), read back. */
    private PrometheusExposition gatewayScrape(Format format) {
        HttpResponse<String> scrape = format == Format.TEXT
                ? gateway.get(SCRAPE, key)
                : PrometheusHttp.get(gateway.base().resolve(SCRAPE),
                        Map.of("Authorization", "Tecton-key " + key, "Accept", "application/openmetrics-text"));
        assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValue(format.contentType);
        return PrometheusExposition.parse(scrape.body(), format);
    }

    private JsonObject awaitTargetScraped(String job) {
        return PrometheusHttp.await("job " + job + " scraped", SCRAPE_BOUND,
                () -> prometheus.target(job).filter(target -> !"unknown".equals(target.getString("health"))),
                () -> prometheus.activeTargets() + "\n" + prometheus.log());
    }

    private void awaitExchanges(PrometheusRecordingProxy proxy, int scrapes) {
        PrometheusHttp.await(scrapes + " scrapes through the proxy", SCRAPE_BOUND,
                () -> proxy.exchanges().size() >= scrapes ? Optional.of(true) : Optional.empty(),
                () -> proxy.exchanges() + "\n" + prometheus.activeTargets());
    }

    @Test
    void bothJobsAreUpWithoutErrorAndEachGotItsFormatFromTheGateway() {
        JsonObject openMetricsTarget = awaitTargetScraped(OPENMETRICS_JOB);
        JsonObject textTarget = awaitTargetScraped(TEXT_JOB);

        for (JsonObject target : List.of(openMetricsTarget, textTarget)) {
            assertThat(target.getString("health")).as(target.encodePrettily()).isEqualTo("up");
            assertThat(target.getString("lastError")).as(target.encodePrettily()).isEmpty();
            assertThat(target.getString("scrapeUrl")).endsWith(SCRAPE);
        }
        assertThat(openMetricsProxy.exchanges()).isNotEmpty().allSatisfy(exchange -> {
            assertThat(exchange.receivedAccept()).isEqualTo(PROMETHEUS_ACCEPT);
            assertThat(exchange.forwardedAccept()).isEqualTo(PROMETHEUS_ACCEPT);
            assertThat(exchange.status()).isEqualTo(200);
            assertThat(exchange.contentType()).isEqualTo(Format.OPENMETRICS.contentType);
            assertThat(exchange.contentEncoding()).as("Prometheus asks for gzip").isEqualTo("gzip");
        });
        assertThat(textProxy.exchanges()).isNotEmpty().allSatisfy(exchange -> {
            assertThat(exchange.receivedAccept()).isEqualTo(PROMETHEUS_ACCEPT);
            assertThat(exchange.forwardedAccept()).isEqualTo(TEXT_ACCEPT);
            assertThat(exchange.status()).isEqualTo(200);
            assertThat(exchange.contentType()).isEqualTo(Format.TEXT.contentType);
            assertThat(exchange.contentEncoding()).isEqualTo("gzip");
        });
        assertThat(prometheus.ruleNames()).as("the example's rule file loads in the real server").containsExactlyInAnyOrder(
                "FeatureServerErrorRateHigh", "FeatureServiceLatencyP99High", "FeatureServerUtilizationHigh",
                "StreamProcessedEventAgeHigh");
    }

    @Test
    void prometheusStoresEverySeriesTheGatewayServesWithTheServedValueTypeAndHelpInBothFormats() {
        PrometheusExposition text = gatewayScrape(Format.TEXT);
        Map<Map<String, String>, Double> served = text.valuesBySeries();
        assertThat(gatewayScrape(Format.OPENMETRICS).valuesBySeries().keySet())
                .as("both formats serve the same series").isEqualTo(served.keySet());
        assertThat(text.families()).extracting(PrometheusExposition.Family::name)
                .as("every catalog metric is served").containsAll(CatalogLoader.loadDefault().metrics().keySet());

        for (String job : List.of(OPENMETRICS_JOB, TEXT_JOB)) {
            Map<Map<String, String>, PrometheusServer.Stored> stored = PrometheusHttp.await(
                    "Prometheus stores the " + served.size() + " series of job " + job, SCRAPE_BOUND,
                    () -> Optional.of(prometheus.storedSeries(job)).filter(series -> series.keySet().equals(served.keySet())),
                    () -> seriesDifference(served, prometheus.storedSeries(job)) + "\n" + prometheus.activeTargets());
            long nowMillis = System.currentTimeMillis();

            assertThat(stored).hasSameSizeAs(served);
            served.forEach((series, value) -> {
                PrometheusServer.Stored sample = stored.get(series);
                assertThat(closeEnough(sample.value(), value))
                        .as("%s of job %s: Prometheus has %s, the gateway served %s", series, job, sample.value(), value)
                        .isTrue();
                assertThat(Math.round(sample.timestampSeconds() * 1000))
                        .as("%s of job %s: the gateway's own stamp, read in the format's unit", series, job)
                        .isBetween(eventsPostedMillis, nowMillis);
            });
            Map<String, JsonObject> metadata = prometheus.targetMetadata(job);
            for (MetricSpec metric : CatalogLoader.loadDefault().metrics().values()) {
                assertThat(metadata).as("job %s: metadata of %s", job, metric.name()).containsKey(metric.name());
                JsonObject read = metadata.get(metric.name());
                assertThat(read.getString("type")).as(metric.name()).isEqualTo(metric.type().name().toLowerCase(Locale.ROOT));
                assertThat(read.getString("help")).as(metric.name()).isEqualTo(metric.helpWithStage());
                assertThat(read.getString("unit")).as(metric.name()).isEmpty();
            }
            System.out.printf("PrometheusScrapeIT: job %s: %d series compared with the gateway's scrape, all equal;"
                    + " TYPE/HELP of %d families as the catalog has them%n", job, served.size(), metadata.size());
        }
    }

    @Test
    void prometheusDropsNoSampleOfEitherFormat() {
        int samplesServed = gatewayScrape(Format.TEXT).samples().size();
        awaitExchanges(openMetricsProxy, 3);
        awaitExchanges(textProxy, 3);
        for (String job : List.of(OPENMETRICS_JOB, TEXT_JOB)) {
            PrometheusHttp.await("job " + job + " reports its scrape", SCRAPE_BOUND,
                    () -> prometheus.scrapeReport("scrape_samples_scraped", job),
                    prometheus::log);
        }

        assertThat(droppedSamplesAtStart).as("a fresh server").allSatisfy((name, value) -> assertThat(value).as(name).isZero());
        assertThat(prometheus.droppedSampleCounters()).as("after %d and %d scrapes",
                openMetricsProxy.exchanges().size(), textProxy.exchanges().size()).isEqualTo(droppedSamplesAtStart);
        for (String job : List.of(OPENMETRICS_JOB, TEXT_JOB)) {
            assertThat(prometheus.scrapeReport("scrape_samples_scraped", job)).as(job).hasValue((double) samplesServed);
            assertThat(prometheus.scrapeReport("scrape_samples_post_metric_relabeling", job)).as(job).hasValue((double) samplesServed);
        }
        System.out.printf("PrometheusScrapeIT: %d samples per scrape, %d + %d scrapes, no sample dropped%n",
                samplesServed, openMetricsProxy.exchanges().size(), textProxy.exchanges().size());
    }

    private static boolean closeEnough(double actual, double expected) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual);
        }
        return actual == expected || Math.abs(actual - expected) <= RELATIVE_TOLERANCE * Math.abs(expected);
    }

    private static String seriesDifference(Map<Map<String, String>, Double> served, Map<Map<String, String>, ?> stored) {
        TreeSet<String> missing = new TreeSet<>();
        served.keySet().stream().filter(series -> !stored.containsKey(series)).forEach(series -> missing.add(series.toString()));
        TreeSet<String> extra = new TreeSet<>();
        stored.keySet().stream().filter(series -> !served.containsKey(series)).forEach(series -> extra.add(series.toString()));
        return "served but not stored: " + missing + "\nstored but not served: " + extra;
    }
}
