package dev.metricsgateway.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scrape time of the peers our users run today against ours, for the same series, in the same
 * run, as ratios (the machine is shared and noisy; a ratio survives that better than a time):
 * <ul>
 *   <li><b>Prometheus Pushgateway</b> ({@code prometheus-pushgateway}, started on loopback) holding
 *       the same N gauge series (same names and labels) pushed in one PUT; both scraped over HTTP
 *       in text 0.0.4, {@code --scrapes} rounds of one scrape of each, interleaved (see
 *       {@link ScrapeTimer#interleaved}).
 *   <li><b>The Prometheus Python client in multiprocess mode</b>
 *       ({@code bench/peers/multiproc_peer.py}): W worker processes record the same events, and
 *       its {@code MultiProcessCollector} scrape time is divided by ours for the same N series.
 * </ul>
 * Run: {@code bench/run.sh peers --help}.
 */
public final class PeerComparison {

    private static final Pattern PYTHON_LINE = Pattern.compile("series=(\\d+) files=(\\d+) record_seconds=([0-9.]+) scrape_ms_median=([0-9.]+) scrape_ms_max=([0-9.]+) bytes=(\\d+)");
    static final String PUSHGATEWAY = "/usr/bin/prometheus-pushgateway";

    private PeerComparison() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    public static int run(String[] argv, PrintStream out) throws Exception {
        Args args = new Args(argv);
        if (args.flag("help")) {
            out.println("peers [--pushgateway-series 10000,100000] [--python-series 10000] [--workers 64,256] [--scrapes 5] [--warmup-seconds 3]"
                    + " [--pushgateway /usr/bin/prometheus-pushgateway] [--python /usr/bin/python3] [--peer-script bench/peers/multiproc_peer.py]");
            return 0;
        }
        int scrapes = args.integer("scrapes", 5);
        double warmupSeconds = args.decimal("warmup-seconds", ScrapeTimer.DEFAULT_WARMUP_SECONDS);
        // rows are printed as they come, so that one peer failing keeps the others' figures
        out.println("| peer | series | workers | peer scrape, median ms | peer bytes | our scrape (text 0.0.4), median ms | our bytes | ratio peer / ours |");
        out.println("|---|---|---|---|---|---|---|---|");
        for (int series : args.integers("pushgateway-series", "10000,100000")) {
            try (GatewayProcess gateway = GatewayProcess.from(args, ScrapeBench.limitsFor(series));
                 Pushgateway pushgateway = Pushgateway.start(Path.of(args.string("pushgateway", PUSHGATEWAY)))) {
                gateway.createSeries(series);
                pushgateway.push(series);
                List<ScrapeTimer.Timing> both = ScrapeTimer.interleaved(ScrapeBench.metricsUrl(gateway), "Tecton-key " + gateway.key,
                        pushgateway.base.resolve("/metrics"), null, ScrapeBench.TEXT, scrapes, warmupSeconds);
                ScrapeTimer.Timing ours = both.get(0);
                ScrapeTimer.Timing theirs = both.get(1);
                out.println(String.format("| Pushgateway 1.5.1 | %,d | - | %.1f | %,d | %.1f | %,d | **%.2f** |", series,
                        theirs.median(), theirs.bytes(), ours.median(), ours.bytes(), theirs.median() / ours.median()));
                System.err.printf("peers: Pushgateway at %,d series done%n", series);
            }
        }
        List<Integer> pythonSeries = args.integers("python-series", "10000");
        for (int series : pythonSeries) {
            ScrapeTimer.Timing ours;
            try (GatewayProcess gateway = GatewayProcess.from(args, ScrapeBench.limitsFor(series))) {
                gateway.createSeries(series);
                ours = ScrapeBench.time(gateway, ScrapeBench.TEXT, scrapes, warmupSeconds);
            }
            for (int workers : args.integers("workers", "64,256")) {
                Matcher python = runPython(args, workers, series, scrapes);
                double theirs = Double.parseDouble(python.group(4));
                out.println(String.format("| Python client, multiprocess, %d workers (%s mmap files, recorded in %s s) | %,d | %d | %.1f | %,d | %.1f | %,d | **%.2f** |",
                        workers, python.group(2), python.group(3), series, workers, theirs, Long.parseLong(python.group(6)),
                        ours.median(), ours.bytes(), theirs / ours.median()));
                System.err.printf("peers: Python multiprocess, %d workers at %,d series done%n", workers, series);
            }
        }
        return 0;
    }

    private static Matcher runPython(Args args, int workers, int series, int scrapes) throws IOException, InterruptedException {
        List<String> command = List.of(args.string("python", "/usr/bin/python3"), args.string("peer-script", "bench/peers/multiproc_peer.py"),
                "--workers", Integer.toString(workers), "--series", Integer.toString(series), "--scrapes", Integer.toString(scrapes));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed:\n" + output);
        }
        Matcher matcher = PYTHON_LINE.matcher(output);
        if (!matcher.find() || Integer.parseInt(matcher.group(1)) != series) {
            throw new IllegalStateException(command + " printed no result for " + series + " series:\n" + output);
        }
        return matcher;
    }

    /** A Pushgateway on a free loopback port, in memory only (no persistence file). */
    static final class Pushgateway implements AutoCloseable {

        final URI base;
        private final Process process;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        private Pushgateway(URI base, Process process) {
            this.base = base;
            this.process = process;
        }

        static Pushgateway start(Path binary) throws IOException, InterruptedException {
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(binary + " is missing: install it with `apt-get install -y prometheus-pushgateway`");
            }
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            Process process = new ProcessBuilder(binary.toString(), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Pushgateway pushgateway = new Pushgateway(URI.create("http://127.0.0.1:" + port), process);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    if (pushgateway.http.send(HttpRequest.newBuilder(pushgateway.base.resolve("/-/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return pushgateway;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    pushgateway.close();
                    throw new IllegalStateException("the Pushgateway did not start on port " + port);
                }
                Thread.sleep(50);
            }
        }

        /** Pushes exactly the gauge series {@link GatewayProcess#createSeries} makes, in one PUT. */
        void push(int series) throws IOException, InterruptedException {
            String[] metrics = {"spark_stream_average_processed_event_age", "spark_stream_input_rate",
                    "spark_stream_max_processed_event_age", "spark_stream_online_store_write_rate", "spark_stream_processing_rate"};
            StringBuilder body = new StringBuilder(series * 120);
            int views = FleetEvents.viewsFor(series);
            for (String metric : metrics) {
                body.append("# TYPE ").append(metric).append(" gauge\n");
                for (int fv = 0; fv < views; fv++) {
                    body.append(metric).append("{feature_view_id=\"fv-").append(fv).append("\",feature_view_name=\"fv_").append(fv)
                            .append("\",workspace=\"prod\"} 3.3\n");
                }
            }
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/metrics/job/bench"))
                    .timeout(Duration.ofMinutes(5)).header("Content-Type", "text/plain; version=0.0.4")
                    .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() / 100 != 2) {
                throw new IllegalStateException("the Pushgateway answered the push with " + answer.statusCode() + ": " + answer.body());
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

}
