package dev.metricsgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.testing.ExternalTool;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak: the packaged jar under sustained ingest from {@value #INGEST_CLIENTS} clients (batches of
 * {@value LoadedGateway#BATCH_EVENTS} events, as fast as the gateway answers) while
 * {@value #SCRAPERS} clients scrape the catalog, half in text 0.0.4 and half in OpenMetrics.
 * Every {@value #HEAP_SAMPLE_SECONDS} s the gateway's live heap is measured after a full GC
 * ({@code jcmd GC.class_histogram}). The run must end with zero errors (every ingest
 * answer 202, every scrape 200 and well-formed, cumulative counts never going down), exact counts
 * (events sent = {@code metrics_gateway_events_accepted_total}, feature requests sent =
 * {@code feature_service_total_latency_count}), a final scrape promtool accepts, and, in a run of
 * at least {@value #MIN_SECONDS_FOR_FLATNESS} s, a flat heap once the sliding window
 * ({@value #WINDOW_SECONDS} s here) has filled.
 *
 * <p>By default this is a {@value #SMOKE_SECONDS} s smoke run inside {@code mvn verify}; the soak
 * is {@code -Dsoak.minutes=5} (see {@code bench/SOAK.md}). The figures are printed and written to
 * {@code target/soak-report.txt}.
 */
class SoakIT {

    static final int SMOKE_SECONDS = 10;
    static final int INGEST_CLIENTS = 4;
    static final int SCRAPERS = 4;
    static final int HEAP_SAMPLE_SECONDS = 15;
    static final int WINDOW_SECONDS = 60;
    static final int MIN_SECONDS_FOR_FLATNESS = 150;
    private static final int MAX_ERRORS_LISTED = 10;

    @TempDir
    Path workDir;

    private final JarProcesses children = new JarProcesses();

    @AfterEach
    void killChildren() {
        children.destroyAll();
    }

    @Test
    void sustainedIngestAndScrapesKeepHeapFlatLoseNothingAndFailNothing() throws Exception {
        long seconds = Long.getLong("soak.minutes", 0) > 0 ? Long.getLong("soak.minutes") * 60 : Long.getLong("soak.seconds", SMOKE_SECONDS);
        LoadedGateway gateway = LoadedGateway.start(children, workDir, "-Xmx512m",
                Map.of("METRICS_GATEWAY_WINDOW_SECONDS", Integer.toString(WINDOW_SECONDS)));
        long heapBeforeKb = gateway.heapAfterGcKb();

        AtomicLong batches = new AtomicLong();
        AtomicLong textScrapes = new AtomicLong();
        AtomicLong openMetricsScrapes = new AtomicLong();
        AtomicLong scrapeBytes = new AtomicLong();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        long startedNanos = System.nanoTime();
        long deadline = startedNanos + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < INGEST_CLIENTS; i++) {
            threads.add(daemon("soak-ingest-" + i, () -> {
                while (System.nanoTime() < deadline) {
                    try {
                        HttpResponse<String> answer = gateway.postBatch();
                        if (answer.statusCode() == 202 && answer.body().equals("{\"accepted\":" + LoadedGateway.BATCH_EVENTS + ",\"late\":0}")) {
                            batches.incrementAndGet();
                        } else {
                            errors.add("ingest answered " + answer.statusCode() + ": " + answer.body());
                        }
                    } catch (IOException | RuntimeException e) {
                        errors.add("ingest failed: " + e);
                    }
                }
            }));
        }
        for (int i = 0; i < SCRAPERS; i++) {
            boolean openMetrics = i % 2 == 1;
            threads.add(daemon("soak-scrape-" + i, () -> {
                double lastCount = 0;
                while (System.nanoTime() < deadline) {
                    try {
                        HttpResponse<String> scrape = gateway.scrape(openMetrics);
                        String problem = LoadedGateway.scrapeProblem(scrape, openMetrics);
                        double count = LoadedGateway.sum(scrape.body(), "feature_service_total_latency_count");
                        if (problem == null && count < lastCount) {
                            problem = "feature_service_total_latency_count went down: " + lastCount + " -> " + count;
                        }
                        if (problem != null) {
                            errors.add(problem);
                        }
                        lastCount = count;
                        scrapeBytes.addAndGet(scrape.body().length());
                        (openMetrics ? openMetricsScrapes : textScrapes).incrementAndGet();
                        Thread.sleep(100);
                    } catch (IOException | RuntimeException e) {
                        errors.add("scrape failed: " + e);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        threads.forEach(Thread::start);

        List<long[]> heapSamples = new ArrayList<>(); // {seconds since start, heap after GC KB, RSS KB}
        while (System.nanoTime() < deadline) {
            long sleepNanos = Math.min(TimeUnit.SECONDS.toNanos(HEAP_SAMPLE_SECONDS), deadline - System.nanoTime());
            TimeUnit.NANOSECONDS.sleep(Math.max(0, sleepNanos));
            assertThat(gateway.isAlive()).as("the gateway is still running\n%s", gateway.transcripts()).isTrue();
            long at = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos);
            heapSamples.add(new long[] {at, gateway.heapAfterGcKb(), gateway.rssKb()});
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        double elapsed = (System.nanoTime() - startedNanos) / 1e9;

        long eventsSent = batches.get() * LoadedGateway.BATCH_EVENTS;
        String own = gateway.ownMetrics();
        String scrape = gateway.scrape(false).body();
        long counted = (long) LoadedGateway.sum(own, "metrics_gateway_events_accepted_total");
        long featureRequests = (long) LoadedGateway.sum(scrape, "feature_service_total_latency_count");
        long ingestRequests = (long) LoadedGateway.sum(scrape, "stream_ingestapi_request_processing_latency_count");
        List<long[]> settled = heapSamples.stream().filter(sample -> sample[0] >= WINDOW_SECONDS + HEAP_SAMPLE_SECONDS).toList();
        String report = String.format(
                "soak: %.0f s, %d ingest clients, %d scrapers, window %d s, -Xmx512m%n"
                        + "  ingest: %d batches = %d events, %.0f events/s; events_accepted_total %d; feature_service_total_latency_count %d (sent %d)%n"
                        + "  scrapes: %d text + %d OpenMetrics = %.1f/s, %.1f MB served%n"
                        + "  heap after GC: before load %d KB; samples (s: KB heap / KB RSS) %s%n"
                        + "  heap after GC once the window filled: %s%n"
                        + "  errors: %d %s%n",
                elapsed, INGEST_CLIENTS, SCRAPERS, WINDOW_SECONDS,
                batches.get(), eventsSent, eventsSent / elapsed, counted, featureRequests, batches.get() * LoadedGateway.FEATURE_REQUESTS_PER_BATCH,
                textScrapes.get(), openMetricsScrapes.get(), (textScrapes.get() + openMetricsScrapes.get()) / elapsed, scrapeBytes.get() / 1e6,
                heapBeforeKb, heapSamples.stream().map(s -> s[0] + ": " + s[1] + "/" + s[2]).toList(),
                settled.isEmpty() ? "n/a (the run ended before the window filled)"
                        : "min " + settled.stream().mapToLong(s -> s[1]).min().orElseThrow() + " KB, max "
                                + settled.stream().mapToLong(s -> s[1]).max().orElseThrow() + " KB",
                errors.size(), errors.stream().limit(MAX_ERRORS_LISTED).toList());
        System.out.print(report);
        Files.writeString(Path.of("target", "soak-report.txt"), report);

        assertThat(errors).as("errors during the soak").isEmpty();
        assertThat(batches.get()).as("batches sent").isPositive();
        assertThat(textScrapes.get()).isPositive();
        assertThat(openMetricsScrapes.get()).isPositive();
        assertThat(counted).as("metrics_gateway_events_accepted_total = events sent").isEqualTo(eventsSent);
        assertThat(featureRequests).as("feature_service_total_latency_count = feature requests sent")
                .isEqualTo(batches.get() * LoadedGateway.FEATURE_REQUESTS_PER_BATCH);
        assertThat(ingestRequests).as("stream_ingestapi_request_processing_latency_count = ingest requests sent")
                .isEqualTo(batches.get() * LoadedGateway.INGEST_REQUESTS_PER_BATCH);
        ExternalTool.requirePromtool();
        ExternalTool.Result promtool = ExternalTool.run(List.of("/usr/bin/promtool", "check", "metrics"), scrape.getBytes(StandardCharsets.UTF_8));
        assertThat(promtool.exitCode()).as("promtool: %s%s", promtool.stdout(), promtool.stderr()).isZero();
        if (elapsed >= MIN_SECONDS_FOR_FLATNESS && settled.size() >= 2) {
            long first = settled.get(0)[1];
            long max = settled.stream().mapToLong(s -> s[1]).max().orElseThrow();
            assertThat(max).as("heap after GC stays flat once the window has filled (first %d KB): %s", first, report)
                    .isLessThanOrEqualTo(first * 13 / 10 + 16 * 1024);
        }
    }

    /**
     * A gateway jar started with JVM options, a known admin key and a fixed batch to send, plus
     * what the soak and overload tests measure of it: heap after GC ({@code jcmd}), resident size
     * ({@code /proc/<pid>/status}) and metric values from a scrape.
     *
     * <p>Thread-safe: the HTTP client is, and the rest only reads.
     */
    static final class LoadedGateway {

        /** Events per batch and their mix: 800 feature requests, 50 of each other type. */
        static final int BATCH_EVENTS = 1000;
        static final int FEATURE_REQUESTS_PER_BATCH = 800;
        static final int INGEST_REQUESTS_PER_BATCH = 50;
        private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");
        private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

        final JarProcess process;
        final URI base;
        final long pid;
        final String key;
        final byte[] batch = batch();
        private final HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();

        private LoadedGateway(JarProcess process, URI base, long pid, String key) {
            this.process = process;
            this.base = base;
            this.pid = pid;
            this.key = key;
        }

        /**
         * Starts {@code serve} on port 0 with {@code JAVA_TOOL_OPTIONS} = {@code heapOption} plus G1 and
         * exit-on-OutOfMemoryError (so running out of heap ends the process, and a test sees it).
         */
        static LoadedGateway start(JarProcesses children, Path workDir, String heapOption, Map<String, String> settings) {
            byte[] secret = new byte[32];
            new java.security.SecureRandom().nextBytes(secret);
            String key = java.util.HexFormat.of().formatHex(secret);
            Path dataDir = workDir.resolve("data");
            Map<String, String> environment = new HashMap<>(settings);
            environment.put("METRICS_GATEWAY_BOOTSTRAP_KEY", key);
            environment.put("JAVA_TOOL_OPTIONS", heapOption + " -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError");
            JarProcess process = children.start(workDir, environment, "serve", "--port", "0", "--data-dir", dataDir.toString());
            URI base = process.awaitListening();
            long pid = ProcessHandle.current().children()
                    .filter(child -> child.info().arguments().map(args -> Arrays.asList(args).contains(dataDir.toString())).orElse(false))
                    .findFirst().orElseThrow(() -> new AssertionError("cannot find the gateway's pid\n" + process.transcripts()))
                    .pid();
            return new LoadedGateway(process, base, pid, key);
        }

        boolean isAlive() {
            return process.isAlive();
        }

        String transcripts() {
            return process.transcripts();
        }

        HttpResponse<String> postBatch() throws IOException {
            return send(HttpRequest.newBuilder(base.resolve("/api/v1/events"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Tecton-key " + key)
                    .header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(batch))
                    .build());
        }

        HttpResponse<String> scrape(boolean openMetrics) throws IOException {
            return send(HttpRequest.newBuilder(base.resolve("/api/v1/observability/metrics"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Tecton-key " + key)
                    .header("Accept", openMetrics ? "application/openmetrics-text; version=1.0.0" : "text/plain")
                    .GET()
                    .build());
        }

        String ownMetrics() throws IOException {
            HttpResponse<String> own = send(HttpRequest.newBuilder(base.resolve("/metrics"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Tecton-key " + key)
                    .GET()
                    .build());
            assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
            return own.body();
        }

        private HttpResponse<String> send(HttpRequest request) throws IOException {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        /**
         * The gateway's live heap in KB: what survives a full GC, as {@code jcmd GC.class_histogram}
         * counts it at the safepoint of that GC. ({@code GC.run} followed by {@code GC.heap_info}
         * would also count what the load allocated between the two commands.)
         */
        long heapAfterGcKb() throws IOException {
            String histogram = jcmd("GC.class_histogram");
            Matcher total = HISTOGRAM_TOTAL.matcher(histogram);
            if (!total.find()) {
                throw new AssertionError("no Total in jcmd GC.class_histogram:\n" + histogram);
            }
            return Long.parseLong(total.group(1)) / 1024;
        }

        /** The gateway's resident set size, in KB. */
        long rssKb() throws IOException {
            Matcher rss = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return rss.find() ? Long.parseLong(rss.group(1)) : -1;
        }

        String jcmd(String command) throws IOException {
            Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
            ExternalTool.Result result = ExternalTool.run(List.of(jcmd.toString(), Long.toString(pid), command), new byte[0]);
            if (result.exitCode() != 0) {
                throw new IOException("jcmd " + pid + " " + command + " failed: " + result.stdout() + result.stderr());
            }
            return result.stdout();
        }

        /** Why a scrape is not a good one, or null. */
        static String scrapeProblem(HttpResponse<String> scrape, boolean openMetrics) {
            if (scrape.statusCode() != 200) {
                return "scrape answered " + scrape.statusCode();
            }
            String type = scrape.headers().firstValue("Content-Type").orElse("");
            if (openMetrics ? !type.startsWith("application/openmetrics-text; version=1.0.0") : !type.startsWith("text/plain; version=0.0.4")) {
                return "scrape Content-Type " + type;
            }
            if (openMetrics && !scrape.body().endsWith("# EOF\n")) {
                return "OpenMetrics scrape without # EOF";
            }
            return null;
        }

        /** The sum over every series of {@code name} in an exposition (text 0.0.4 or OpenMetrics). */
        static double sum(String exposition, String name) {
            double sum = 0;
            for (String line : exposition.split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    String rest = line.startsWith(name + "{") ? line.substring(line.lastIndexOf('}') + 1) : line.substring(name.length());
                    sum += Double.parseDouble(rest.trim().split(" ")[0]);
                }
            }
            return sum;
        }

        /**
         * One NDJSON batch of {@link #BATCH_EVENTS} events without {@code time} (stamped on arrival,
         * never late): 800 feature requests over 3 regions and 20 feature services, then 50 each of
         * utilization, stream batch, served feature and ingest request, over 10 feature views.
         */
        private static byte[] batch() {
            StringBuilder ndjson = new StringBuilder();
            String[] regions = {"us-west-2", "us-east-1", "eu-west-1"};
            long epoch = 1_700_000_000_000L;
            for (int i = 0; i < FEATURE_REQUESTS_PER_BATCH; i++) {
                ndjson.append("{\"type\":\"feature_request\",\"aws_region\":\"").append(regions[i % 3])
                        .append("\",\"feature_service_id\":\"fs-").append(i % 20).append("\",\"feature_service_name\":\"service_").append(i % 20)
                        .append("\",\"latency_seconds\":").append(0.001 + (i % 97) / 1000.0).append(",\"status\":").append(i % 50 == 0 ? 503 : 200)
                        .append("}\n");
            }
            for (int i = 0; i < 50; i++) {
                String view = "\"workspace\":\"prod\",\"feature_view_name\":\"fv_" + i % 10 + "\",\"feature_view_id\":\"fv-" + i % 10 + "\"";
                ndjson.append("{\"type\":\"server_utilization\",\"aws_region\":\"").append(regions[i % 3]).append("\",\"instance\":\"pod-")
                        .append(i % 25).append("\",\"utilization_percent\":").append(i * 2 % 100).append("}\n");
                ndjson.append("{\"type\":\"stream_batch\",").append(view).append(",\"input_rows\":1000,\"processed_rows\":990,\"online_store_rows\":900,")
                        .append("\"min_event_time\":").append(epoch).append(",\"avg_event_time\":").append(epoch + 30_000).append("}\n");
                ndjson.append("{\"type\":\"served_feature\",").append(view).append(",\"feature_time\":").append(epoch).append("}\n");
                ndjson.append("{\"type\":\"ingest_request\",\"aws_region\":\"").append(regions[i % 3]).append("\",\"latency_seconds\":0.05,\"status\":")
                        .append(i % 10 == 0 ? 500 : 200).append(",\"writes\":[{").append(view).append(",\"online_rows\":10,\"offline_rows\":10}]}\n");
            }
            return ndjson.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** A named daemon thread: a client that outlives a failed test must not keep the JVM up. */
    static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }
}
