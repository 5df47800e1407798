package dev.metricsgateway.bench;

import dev.metricsgateway.testing.DeployedJvmOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway a benchmark runs against: either one it starts itself (the packaged jar, in a
 * temporary data dir, with a generated bootstrap key, checkpoints off so that writing a large
 * state does not perturb the measurement, and the settings the benchmark needs), or one given by
 * {@code --url}, {@code --key} and optionally {@code --gateway-pid}.
 *
 * <p>Options read: {@code --jar} (default: system property {@code gateway.jar}, else
 * {@code target/metrics-gateway.jar}), {@code --gateway-jvm} (JVM options of the started gateway,
 * default {@code -Xmx4g}), which come after {@link #DEPLOYED_JVM_OPTIONS} and so can override them.
 */
final class GatewayProcess implements AutoCloseable {

    /** The JVM options the gateway ships with ({@link DeployedJvmOptions}): a started gateway is measured as deployed. */
    static final String DEPLOYED_JVM_OPTIONS = String.join(" ", DeployedJvmOptions.OPTIONS);

    private static final Pattern LISTENING = Pattern.compile("metrics-gateway listening on (http://\\S+:(\\d+))");
    private static final Pattern SERIES = Pattern.compile("(?m)^metrics_gateway_series\\{[^}]*} ([0-9.eE+]+)");

    final URI base;
    final String key;
    final long pid;
    private final Process process;
    private final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private GatewayProcess(URI base, String key, long pid, Process process, Path dataDir) {
        this.base = base;
        this.key = key;
        this.pid = pid;
        this.process = process;
        this.dataDir = dataDir;
    }

    /** Attaches to {@code --url}/{@code --key} when given, else starts the jar with {@code settings} (env names). */
    static GatewayProcess from(Args args, Map<String, String> settings) {
        if (args.has("url")) {
            String url = args.string("url", null);
            return new GatewayProcess(URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url),
                    args.string("key", ""), Long.parseLong(args.string("gateway-pid", "-1")), null, null);
        }
        return start(Path.of(args.string("jar", System.getProperty("gateway.jar", "target/metrics-gateway.jar"))),
                args.string("gateway-jvm", "-Xmx4g"), settings);
    }

    static GatewayProcess start(Path jar, String jvmOptions, Map<String, String> settings) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + ": no gateway jar; build it with ./mvnw -q -B package -DskipTests");
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String key = HexFormat.of().formatHex(secret);
        try {
            Path dataDir = Files.createTempDirectory("bench-gateway-");
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            for (String option : (DEPLOYED_JVM_OPTIONS + " " + jvmOptions).strip().split("\\s+")) {
                if (!option.isEmpty()) {
                    command.add(option);
                }
            }
            command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "serve", "--port", "0", "--data-dir", dataDir.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(dataDir.toFile())
                    .redirectError(dataDir.resolve("stderr.log").toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("METRICS_GATEWAY_"));
            builder.environment().put("METRICS_GATEWAY_BOOTSTRAP_KEY", key);
            builder.environment().put("METRICS_GATEWAY_CHECKPOINT_INTERVAL_SECONDS", "0");
            builder.environment().putAll(settings);
            Process process = builder.start();
            URI base = awaitListening(process, dataDir);
            return new GatewayProcess(base, key, process.pid(), process, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the gateway", e);
        }
    }

    private static URI awaitListening(Process process, Path dataDir) throws IOException {
        CompletableFuture<URI> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        listening.complete(URI.create(matcher.group(1)));
                    }
                }
            } catch (IOException e) {
                // the process ended; the future below reports it
            }
            listening.completeExceptionally(new IllegalStateException("the gateway exited before listening"));
        }, "gateway-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return listening.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("the gateway did not start: " + e + "\n" + Files.readString(dataDir.resolve("stderr.log")), e);
        }
    }

    HttpResponse<byte[]> get(String path, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(5))
                .header("Authorization", "Tecton-key " + key);
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> post(byte[] ndjson) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve("/api/v1/events")).timeout(Duration.ofMinutes(1))
                .header("Authorization", "Tecton-key " + key).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ndjson)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts {@code ndjson} and fails unless the gateway answers 202. */
    void postAccepted(byte[] ndjson) throws IOException, InterruptedException {
        HttpResponse<String> answer = post(ndjson);
        if (answer.statusCode() != 202) {
            throw new IllegalStateException("ingest answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    /** Live catalog series, as the gateway counts them ({@code metrics_gateway_series} summed). */
    long liveSeries() throws IOException, InterruptedException {
        HttpResponse<byte[]> own = get("/metrics", null);
        Matcher matcher = SERIES.matcher(new String(own.body(), StandardCharsets.UTF_8));
        long total = 0;
        while (matcher.find()) {
            total += (long) Double.parseDouble(matcher.group(1));
        }
        return total;
    }

    /** Creates exactly {@code series} gauge series (see {@link FleetEvents#viewBatch}), from 4 threads. */
    void createSeries(int series) throws Exception {
        int views = FleetEvents.viewsFor(series);
        List<CompletableFuture<Void>> posts = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            for (int first = 0; first < views; first += FleetEvents.BATCH_EVENTS) {
                int from = first;
                int count = Math.min(FleetEvents.BATCH_EVENTS, views - first);
                posts.add(CompletableFuture.runAsync(() -> {
                    try {
                        postAccepted(FleetEvents.viewBatch(from, count));
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            CompletableFuture.allOf(posts.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdown();
        }
        long live = liveSeries();
        if (live != series) {
            throw new IllegalStateException("asked for " + series + " series, the gateway holds " + live);
        }
    }

    /** Stops a gateway this object started (SIGTERM, then SIGKILL after 30 s); leaves an attached one alone. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        deleteQuietly(dataDir);
    }

    static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
