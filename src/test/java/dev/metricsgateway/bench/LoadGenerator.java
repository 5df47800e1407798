package dev.metricsgateway.bench;

import io.netty.buffer.Unpooled;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * HTTP load generator for {@code POST /api/v1/events} (Vert.x HTTP/1.1 client, keep-alive), in
 * two modes:
 * <ul>
 *   <li><b>throughput</b> (closed loop): {@code --connections} requests in flight at all times, the
 *       next sent as soon as one is answered: the most the gateway takes. Reports events/s accepted
 *       (the {@code accepted} of every 202 summed), the status counts, and the CPU (cores) of the
 *       gateway process and of this one.
 *   <li><b>rate</b> (open loop, free of coordinated omission): batches sent at fixed intended times
 *       ({@code --events-per-second}), whatever the answers; the latency of a batch is measured
 *       from its <em>intended</em> send time to its answer, so a stall of the gateway counts against
 *       every batch that should have gone out during it (HdrHistogram, µs, 3 digits). Reports
 *       p50/p99/p99.9/max, status counts (429 = shed), CPU, and as accepted events/s only the
 *       202s answered within the measured interval (a growing backlog is no throughput).
 * </ul>
 * <b>suite</b> runs the three runs issue 5 asks for against one gateway, each after its own
 * warm-up: throughput, then rate at half of the measured peak ({@code --connections-rate}, 64),
 * then rate at 150 % of it with more connections ({@code --overload-connections}, 512) than the
 * gateway's {@code max_inflight_ingest_requests} (256), as a fleet of independent senders would
 * open, so that overload is shed with 429 rather than queued in this client.
 * Only what happens after {@code --warmup} seconds is counted. Run: {@code bench/run.sh loadgen --help}.
 */
public final class LoadGenerator {

    /** The outcome of one run. */
    record Result(String mode, int connections, double seconds, double offeredBatchesPerSecond, long batches,
                  Map<Integer, Long> statuses, long failures, long eventsAccepted, Histogram latencyMicros,
                  double gatewayCores, double ownCores, long gatewayRssMib, double ownLoopLagMaxMillis, double sendLagMaxMillis) {

        double eventsPerSecond() {
            return eventsAccepted / seconds;
        }

        boolean all202() {
            return failures == 0 && statuses.keySet().stream().allMatch(status -> status == 202);
        }

        String statusText() {
            StringBuilder text = new StringBuilder();
            statuses.forEach((status, count) -> text.append(text.length() == 0 ? "" : ", ").append(status).append(" × ").append(count));
            if (failures > 0) {
                text.append(text.length() == 0 ? "" : ", ").append("failed × ").append(failures);
            }
            return text.length() == 0 ? "none" : text.toString();
        }
    }

    private static final long LOOP_LAG_TICK_MILLIS = 10;

    private final URI base;
    private final String key;
    private final List<byte[]> batches;
    private final int connections;
    private final int clientThreads;

    LoadGenerator(URI base, String key, List<byte[]> batches, int connections, int clientThreads) {
        this.base = base;
        this.key = key;
        this.batches = batches;
        this.connections = connections;
        this.clientThreads = clientThreads;
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    public static int run(String[] argv, PrintStream out) throws Exception {
        Args args = new Args(argv);
        if (args.flag("help")) {
            out.println("""
                    loadgen --mode throughput|rate|suite [--connections 16] [--duration 60] [--warmup 5]
                            [--connections-rate 64] [--overload-connections 512] (suite mode)
                            [--events-per-second N (rate mode)] [--batch-events 1000] [--distinct-batches 32]
                            [--client-threads 1] [--url URL --key KEY [--gateway-pid PID] | --jar JAR --gateway-jvm OPTS]""");
            return 0;
        }
        String mode = args.string("mode", "throughput");
        int batchEvents = args.integer("batch-events", FleetEvents.BATCH_EVENTS);
        List<byte[]> batches = FleetEvents.mixedBatches(args.integer("distinct-batches", 32), batchEvents, 1);
        Duration warmup = Duration.ofMillis((long) (args.decimal("warmup", 5) * 1000));
        Duration duration = Duration.ofMillis((long) (args.decimal("duration", 60) * 1000));
        try (GatewayProcess gateway = GatewayProcess.from(args, Map.of())) {
            int connections = args.integer("connections", mode.equals("rate") ? 64 : 16);
            LoadGenerator load = new LoadGenerator(gateway.base, gateway.key, batches, connections, args.integer("client-threads", 1));
            switch (mode) {
                case "throughput" -> printTable(List.of(load.closedLoop(warmup, duration, gateway.pid, new AtomicBoolean())), out);
                case "rate" -> printTable(List.of(load.openLoop(args.decimal("events-per-second", 100_000) / batchEvents, warmup, duration,
                        gateway.pid, new AtomicBoolean())), out);
                case "suite" -> {
                    Result peak = load.closedLoop(warmup, duration, gateway.pid, new AtomicBoolean());
                    double peakBatches = peak.eventsPerSecond() / batchEvents;
                    System.err.printf("loadgen: peak %,.0f events/s%n", peak.eventsPerSecond());
                    Result half = load.withConnections(args.integer("connections-rate", 64))
                            .openLoop(peakBatches / 2, warmup, duration, gateway.pid, new AtomicBoolean());
                    Result over = load.withConnections(args.integer("overload-connections", 512))
                            .openLoop(peakBatches * 1.5, warmup, duration, gateway.pid, new AtomicBoolean());
                    printTable(List.of(peak, half, over), out);
                    out.printf("%nAt 150 %% of the peak offered, the gateway accepted %.0f %% of its peak (%,.0f events/s) and shed %,d batches with 429.%n",
                            100 * over.eventsPerSecond() / peak.eventsPerSecond(), over.eventsPerSecond(), over.statuses().getOrDefault(429, 0L));
                }
                default -> throw new IllegalArgumentException(mode + ": --mode is throughput, rate or suite");
            }
            return 0;
        }
    }

    private LoadGenerator withConnections(int count) {
        return new LoadGenerator(base, key, batches, count, clientThreads);
    }

    static void printTable(List<Result> results, PrintStream out) {
        out.println("| ingest mode | connections | seconds | offered events/s | accepted events/s | batch p50 ms | p99 ms | p99.9 ms | max ms | statuses | all 202 | gateway CPU (cores) | loadgen CPU (cores) | gateway RSS at the end (MiB) | loadgen loop lag max ms | loadgen send lag max ms |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            boolean latency = r.latencyMicros() != null && r.latencyMicros().getTotalCount() > 0;
            out.printf("| %s | %d | %.1f | %s | %,.0f | %s | %s | %s | %s | %s | %s | %.2f | %.2f | %s | %.1f | %s |%n", r.mode(), r.connections(), r.seconds(),
                    r.offeredBatchesPerSecond() > 0 ? String.format("%,.0f", r.offeredBatchesPerSecond() * FleetEvents.BATCH_EVENTS) : "max",
                    r.eventsPerSecond(), latency ? millis(r.latencyMicros(), 50) : "-", latency ? millis(r.latencyMicros(), 99) : "-",
                    latency ? millis(r.latencyMicros(), 99.9) : "-", latency ? String.format("%.2f", r.latencyMicros().getMaxValue() / 1000.0) : "-",
                    r.statusText(), r.all202() ? "yes" : "no", r.gatewayCores(), r.ownCores(),
                    r.gatewayRssMib() < 0 ? "-" : String.format("%,d", r.gatewayRssMib()), r.ownLoopLagMaxMillis(),
                    r.sendLagMaxMillis() < 0 ? "-" : String.format("%.1f", r.sendLagMaxMillis()));
        }
    }

    private static String millis(Histogram histogram, double percentile) {
        return String.format("%.2f", histogram.getValueAtPercentile(percentile) / 1000.0);
    }

    /** The most the gateway takes: {@code connections} batches always in flight. */
    Result closedLoop(Duration warmup, Duration duration, long gatewayPid, AtomicBoolean stop) throws InterruptedException {
        try (Client client = new Client()) {
            long measureFrom = System.nanoTime() + warmup.toNanos();
            long measureTo = measureFrom + duration.toNanos();
            AtomicLong sent = new AtomicLong();
            for (int i = 0; i < connections; i++) {
                client.loop(sent, measureFrom, measureTo, stop);
            }
            awaitNanos(measureFrom, stop);
            client.measureLoopLagUntil(measureTo);
            Cpu gatewayCpu = Cpu.of(gatewayPid);
            Cpu ownCpu = Cpu.self();
            long startedAt = System.nanoTime();
            awaitNanos(measureTo, stop);
            double gatewayCores = gatewayCpu.cores();
            double ownCores = ownCpu.cores();
            double seconds = (System.nanoTime() - startedAt) / 1e9;
            stop.set(true);
            client.drain();
            return client.result(gatewayPid, "throughput", connections, seconds, 0, gatewayCores, ownCores, -1);
        }
    }

    /**
     * Batches at fixed intended times, {@code batchesPerSecond}; latency from the intended time.
     * The warm-up is a run of its own at the same rate whose every answer is awaited before the
     * measured run starts (on the same connections): a backlog that a cold gateway (interpreted
     * code, JIT compiling) built during the warm-up would otherwise still be draining when the
     * measured interval begins, and pass for a stall of seconds at its start.
     */
    Result openLoop(double batchesPerSecond, Duration warmup, Duration duration, long gatewayPid, AtomicBoolean stop) throws InterruptedException {
        try (Client client = new Client()) {
            long interval = (long) (1e9 / batchesPerSecond);
            long warmupStart = System.nanoTime();
            sendAtRate(client, interval, warmupStart, warmupStart + warmup.toNanos(), Long.MAX_VALUE, Long.MAX_VALUE, stop);
            client.drain();
            long measureFrom = System.nanoTime();
            long measureTo = measureFrom + duration.toNanos();
            client.measureLoopLagUntil(measureTo);
            Cpu gatewayCpu = Cpu.of(gatewayPid);
            Cpu ownCpu = Cpu.self();
            long sendLagMaxNanos = sendAtRate(client, interval, measureFrom, measureTo, measureFrom, measureTo, stop);
            client.drain(); // every batch sent is answered (or fails) before the figures are read
            double seconds = Math.min(System.nanoTime(), measureTo) / 1e9 - measureFrom / 1e9;
            client.printWorstSeconds(measureFrom);
            return client.result(gatewayPid, "rate", connections, Math.max(seconds, 1e-9), batchesPerSecond,
                    gatewayCpu.cores(), ownCpu.cores(), sendLagMaxNanos / 1e6);
        }
    }

    /**
     * Sends batch i at {@code start + i * interval} until {@code end}; counted as {@link Client#send}
     * says for {@code measureFrom}/{@code measureTo}. Returns how late this thread handed a batch
     * to the client at most, ns: a stall of the generator itself, not of the gateway.
     */
    private long sendAtRate(Client client, long interval, long start, long end, long measureFrom, long measureTo, AtomicBoolean stop) {
        long sendLagMaxNanos = 0;
        for (long i = 0; !stop.get(); i++) {
            long intended = start + i * interval;
            if (intended >= end) {
                break;
            }
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            sendLagMaxNanos = Math.max(sendLagMaxNanos, System.nanoTime() - intended);
            client.send((int) (i % batches.size()), intended, measureFrom, measureTo);
        }
        return sendLagMaxNanos;
    }

    private static void awaitNanos(long deadline, AtomicBoolean stop) throws InterruptedException {
        while (!stop.get() && System.nanoTime() < deadline) {
            TimeUnit.NANOSECONDS.sleep(Math.min(deadline - System.nanoTime(), 50_000_000L));
        }
    }

    /** One Vert.x HTTP client with a pool of {@code connections} keep-alive connections. */
    private final class Client implements AutoCloseable {

        private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(clientThreads));
        private final HttpClient http = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setPipelining(false),
                new PoolOptions().setHttp1MaxSize(connections).setEventLoopSize(clientThreads));
        private final RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(base.resolve("/api/v1/events").toString())
                .putHeader("Content-Type", "application/x-ndjson")
                .putHeader("Authorization", "Tecton-key " + key);
        /**
         * Direct buffers: Netty writes a heap buffer to a socket through a direct copy of it, one
         * more 150 KB copy per batch on the cores the gateway shares.
         */
        private final List<Buffer> bodies = batches.stream()
                .map(bytes -> (Buffer) BufferInternal.buffer(Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes))))
                .toList();
        private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        private final LongAdder failures = new LongAdder();
        private final LongAdder counted = new LongAdder();
        private final LongAdder eventsAccepted = new LongAdder();
        private final AtomicLong inFlight = new AtomicLong();
        private final Recorder latency = new Recorder(TimeUnit.MINUTES.toMicros(10), 3);
        private volatile String firstFailure;
        /** The longest batch latency by second of intended send time in the measured interval, µs. */
        private final Map<Long, Long> worstBySecond = new ConcurrentHashMap<>();
        /** The most one of this client's event-loop ticks fired late in the measured interval, ns. */
        private volatile long loopLagMaxNanos;

        /**
         * Measures this generator's own event-loop lag until {@code measureTo}: a timer due every
         * {@value #LOOP_LAG_TICK_MILLIS} ms that fires late means the client's loop (which writes
         * the requests and reads the answers) was stalled, and every answer in that time is late
         * because of the generator, not of the gateway.
         */
        void measureLoopLagUntil(long measureTo) {
            long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOOP_LAG_TICK_MILLIS);
            vertx.setTimer(LOOP_LAG_TICK_MILLIS, id -> {
                long now = System.nanoTime();
                loopLagMaxNanos = Math.max(loopLagMaxNanos, now - due);
                if (now < measureTo) {
                    measureLoopLagUntil(measureTo);
                }
            });
        }

        /** Closed loop: sends, and on each answer sends again until {@code stop}. */
        void loop(AtomicLong sent, long measureFrom, long measureTo, AtomicBoolean stop) {
            if (stop.get()) {
                return;
            }
            long index = sent.getAndIncrement();
            Buffer body = bodies.get((int) (index % bodies.size()));
            inFlight.incrementAndGet();
            request(body, (status, accepted) -> {
                long now = System.nanoTime();
                boolean inWindow = now >= measureFrom && now <= measureTo;
                count(status, accepted, inWindow, inWindow);
                inFlight.decrementAndGet();
                loop(sent, measureFrom, measureTo, stop);
            });
        }

        /**
         * Open loop: one batch, its latency measured from {@code intendedNanos}. The latency and
         * status of every batch due in the measured interval count, however late its answer; its
         * events count as accepted only when answered within the interval, so that a backlog
         * answered afterwards does not pass for throughput.
         */
        void send(int batch, long intendedNanos, long measureFrom, long measureTo) {
            Buffer body = bodies.get(batch);
            inFlight.incrementAndGet();
            request(body, (status, accepted) -> {
                long now = System.nanoTime();
                boolean due = intendedNanos >= measureFrom;
                if (due) {
                    long micros = Math.max(0, (now - intendedNanos) / 1000);
                    latency.recordValue(micros);
                    worstBySecond.merge((intendedNanos - measureFrom) / 1_000_000_000L, micros, Math::max);
                }
                count(status, accepted, due, now >= measureFrom && now <= measureTo);
                inFlight.decrementAndGet();
            });
        }

        private void count(int status, long accepted, boolean countStatus, boolean countEvents) {
            if (countStatus) {
                if (status < 0) {
                    failures.increment();
                } else {
                    statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                }
                counted.increment();
            }
            if (countEvents && status == 202) {
                eventsAccepted.add(accepted);
            }
        }

        private void request(Buffer body, Answer answer) {
            http.request(post)
                    .compose(request -> request.send(body))
                    .compose(response -> response.body().map(content -> {
                        int status = response.statusCode();
                        answer.handle(status, status == 202 ? accepted(content.toString()) : 0);
                        return status;
                    }))
                    .onFailure(failure -> {
                        if (firstFailure == null) {
                            firstFailure = failure.toString();
                        }
                        answer.handle(-1, 0);
                    });
        }

        /**
         * Prints (stderr) the seconds of the measured interval whose batches waited longest: a tail
         * that comes from one stall shows as one or two seconds, a start-up backlog as the first ones.
         */
        void printWorstSeconds(long measureFrom) {
            String worst = worstBySecond.entrySet().stream()
                    .sorted(Map.Entry.<Long, Long>comparingByValue().reversed())
                    .limit(5)
                    .map(entry -> String.format("s%d %.1f ms", entry.getKey(), entry.getValue() / 1000.0))
                    .collect(java.util.stream.Collectors.joining(", "));
            System.err.println("loadgen: slowest seconds of the measured interval (by intended send time, max batch latency): " + worst);
        }

        void drain() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }

        Result result(long gatewayPid, String mode, int connections, double seconds, double offered, double gatewayCores, double ownCores,
                double sendLagMaxMillis) {
            Map<Integer, Long> byStatus = new TreeMap<>();
            statuses.forEach((status, count) -> byStatus.put(status, count.sum()));
            if (firstFailure != null) {
                System.err.println("loadgen: first failed request: " + firstFailure);
            }
            Histogram histogram = mode.equals("rate") ? latency.getIntervalHistogram() : null;
            return new Result(mode, connections, seconds, offered, counted.sum(), byStatus, failures.sum(),
                    eventsAccepted.sum(), histogram, gatewayCores, ownCores, rssMib(gatewayPid), loopLagMaxNanos / 1e6, sendLagMaxMillis);
        }

        @Override
        public void close() {
            try {
                http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                System.err.println("loadgen: closing the client: " + e);
            }
        }
    }

    /** Resident set of a process from /proc/PID/status, MiB; -1 when unknown. */
    static long rssMib(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    private interface Answer {
        void handle(int status, long accepted);
    }

    /** The {@code accepted} of a 202 answer {@code {"accepted":N,"late":L}}. */
    static long accepted(String body) {
        int at = body.indexOf("\"accepted\":");
        if (at < 0) {
            return 0;
        }
        int from = at + "\"accepted\":".length();
        int to = from;
        while (to < body.length() && Character.isDigit(body.charAt(to))) {
            to++;
        }
        return to > from ? Long.parseLong(body.substring(from, to)) : 0;
    }
}
