package dev.metricsgateway.it;

import dev.metricsgateway.testing.ExternalTool;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server ({@code /usr/bin/prometheus}, Debian's 2.42) run as a child process on a
 * free loopback port, with its TSDB and log in a test directory, and the parts of its HTTP API the
 * tests read: targets, instant queries and its own counters.
 *
 * <p>{@link #close()} stops it (SIGTERM, then SIGKILL); call it from {@code @AfterEach} or
 * {@code @AfterAll}. Threading: confined to the test thread.
 */
final class PrometheusServer implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/prometheus");

    /** The series Prometheus adds to every target ({@code up}, {@code scrape_*}): not the target's own. */
    static final Set<String> SCRAPE_REPORT_SERIES = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling", "scrape_series_added");

    /** Prometheus' own counters of samples it refused from a scrape; none may move. */
    static final List<String> DROPPED_SAMPLE_COUNTERS = List.of(
            "prometheus_target_scrapes_sample_out_of_bounds_total",
            "prometheus_target_scrapes_sample_out_of_order_total",
            "prometheus_target_scrapes_sample_duplicate_timestamp_total");

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final URI base;
    private final Path log;

    /** One stored sample as an instant query returns it. */
    record Stored(double value, double timestampSeconds) {
    }

    private PrometheusServer(Process process, URI base, Path log) {
        this.process = process;
        this.base = base;
        this.log = log;
    }

    /** Skips (or, under {@code CI=true}, fails) the test when the prometheus binary is missing. */
    static void require() {
        ExternalTool.require(Files.isExecutable(BINARY), "prometheus", "apt-get install -y prometheus");
    }

    /**
     * Writes {@code config} to {@code dir/prometheus.yml} and starts Prometheus on it, with its
     * TSDB in {@code dir/tsdb}; returns once {@code /-/ready} answers 200. The port is chosen
     * free just before the start; if another process takes it in between, the start is retried.
     */
    static PrometheusServer start(Path dir, String config) throws IOException {
        Path configFile = Files.writeString(dir.resolve("prometheus.yml"), config);
        AssertionError lastFailure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freeLoopbackPort();
            Path log = dir.resolve("prometheus-" + attempt + ".log");
            Process process = new ProcessBuilder(BINARY.toString(),
                    "--config.file=" + configFile,
                    "--storage.tsdb.path=" + dir.resolve("tsdb-" + attempt),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=info")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            PrometheusServer server = new PrometheusServer(process, URI.create("http://127.0.0.1:" + port), log);
            try {
                server.awaitReady();
                return server;
            } catch (AssertionError e) {
                server.close();
                lastFailure = e;
                if (!server.log().contains("address already in use")) {
                    throw e;
                }
            }
        }
        throw lastFailure;
    }

    /** A port nothing listens on right now (the kernel's choice for port 0). */
    static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    URI base() {
        return base;
    }

    /** What the server logged so far, for failure messages. */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "<cannot read " + log + ": " + e + ">";
        }
    }

    private void awaitReady() {
        PrometheusHttp.await("Prometheus at " + base + " ready", READY_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + "\n" + log());
            }
            try {
                HttpResponse<byte[]> ready = PrometheusHttp.getBytes(base.resolve("/-/ready"), Map.of());
                return ready.statusCode() == 200 ? Optional.of(true) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }, this::log);
    }

    /** {@code /api/v1/targets}: the active targets, each with {@code labels.job}, {@code health}, {@code lastError}. */
    List<JsonObject> activeTargets() {
        JsonObject data = api("/api/v1/targets?state=active").getJsonObject("data");
        return data.getJsonArray("activeTargets").stream().map(JsonObject.class::cast).toList();
    }

    /** The active target of {@code job}, if Prometheus has it. */
    Optional<JsonObject> target(String job) {
        return activeTargets().stream()
                .filter(target -> job.equals(target.getJsonObject("labels").getString("job")))
                .findFirst();
    }

    /** {@code /api/v1/rules}: the names of the loaded rules. */
    List<String> ruleNames() {
        return api("/api/v1/rules").getJsonObject("data").getJsonArray("groups").stream()
                .map(JsonObject.class::cast)
                .flatMap(group -> group.getJsonArray("rules").stream().map(JsonObject.class::cast))
                .map(rule -> rule.getString("name"))
                .toList();
    }

    /**
     * The latest sample of every series Prometheus stored for {@code job} (an instant query at
     * now, so within the 5-minute lookback), by series: its labels plus {@code __name__}, without
     * {@code job} and {@code instance}, and without {@link #SCRAPE_REPORT_SERIES}.
     */
    Map<Map<String, String>, Stored> storedSeries(String job) {
        Map<Map<String, String>, Stored> stored = new LinkedHashMap<>();
        for (Object element : query("{job=\"" + job.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}")) {
            JsonObject result = (JsonObject) element;
            Map<String, String> series = new TreeMap<>();
            result.getJsonObject("metric").forEach(label -> series.put(label.getKey(), (String) label.getValue()));
            series.remove("job");
            series.remove("instance");
            if (SCRAPE_REPORT_SERIES.contains(series.get("__name__"))) {
                continue;
            }
            JsonArray value = result.getJsonArray("value");
            stored.put(Collections.unmodifiableMap(series),
                    new Stored(PrometheusExposition.parseValue(value.getString(1)), value.getDouble(0)));
        }
        return stored;
    }

    /** The value of the scrape-report series {@code name} (e.g. {@code scrape_samples_scraped}) of {@code job}, if stored. */
    Optional<Double> scrapeReport(String name, String job) {
        JsonArray result = query(name + "{job=\"" + job + "\"}");
        return result.isEmpty() ? Optional.empty()
                : Optional.of(PrometheusExposition.parseValue(result.getJsonObject(0).getJsonArray("value").getString(1)));
    }

    /**
     * {@code /api/v1/targets/metadata} of {@code job}: what Prometheus read from the {@code # TYPE},
     * {@code # HELP} and {@code # UNIT} lines, by metric name ({@code type}, {@code help}, {@code unit}).
     */
    Map<String, JsonObject> targetMetadata(String job) {
        Map<String, JsonObject> metadata = new TreeMap<>();
        api("/api/v1/targets/metadata?match_target=" + URLEncoder.encode("{job=\"" + job + "\"}", StandardCharsets.UTF_8))
                .getJsonArray("data").stream().map(JsonObject.class::cast)
                .forEach(entry -> metadata.put(entry.getString("metric"), entry));
        return metadata;
    }

    /** {@code /api/v1/query?query=promql}: the result vector. */
    JsonArray query(String promql) {
        return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
                .getJsonObject("data").getJsonArray("result");
    }

    /** Prometheus' own metric {@code name} from its {@code /metrics} (summed over its series), or 0 when absent. */
    double ownMetric(String name) {
        HttpResponse<String> response = PrometheusHttp.get(base.resolve("/metrics"), Map.of());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /metrics of Prometheus answered " + response.statusCode() + ": " + response.body());
        }
        return PrometheusExposition.parse(response.body(), PrometheusExposition.Format.TEXT).samples().stream()
                .filter(sample -> sample.name().equals(name))
                .mapToDouble(PrometheusExposition.Sample::value)
                .sum();
    }

    /** {@link #DROPPED_SAMPLE_COUNTERS} by name, read from its {@code /metrics} now. */
    Map<String, Double> droppedSampleCounters() {
        Map<String, Double> counters = new LinkedHashMap<>();
        DROPPED_SAMPLE_COUNTERS.forEach(name -> counters.put(name, ownMetric(name)));
        return counters;
    }

    private JsonObject api(String pathAndQuery) {
        HttpResponse<String> response = PrometheusHttp.get(base.resolve(pathAndQuery), Map.of());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + pathAndQuery + " answered " + response.statusCode() + ": " + response.body());
        }
        JsonObject json = new JsonObject(response.body());
        if (!"success".equals(json.getString("status"))) {
            throw new AssertionError("GET " + pathAndQuery + ": " + json.encode());
        }
        return json;
    }

    /** Stops the server: SIGTERM, then SIGKILL after 10 s; a no-op when it already ended. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
