package dev.metricsgateway.ingest;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.EventSchema;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Not a test: single-threaded decoder throughput (events per second), run by hand to compare two
 * versions of the decoder on the same machine. Each round is timed twice: by the wall clock and by
 * the thread's CPU time. On a machine shared with other work the wall-clock rate drops with the
 * load, while events per CPU-second stays comparable between runs (caches and frequency still
 * vary); the figures reported are the medians of the rounds.
 *
 * <pre>
 * ./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.metricsgateway.ingest.DecoderThroughput [rounds] [seconds per round]
 * </pre>
 *
 * The batch: 10,000 NDJSON events of the five default types in a fixed pseudo-random mix (seed 42),
 * label values drawn from small pools as real traffic repeats them, every event with a
 * {@code time}, one in ten {@code ingest_request} with two {@code writes}. Each round decodes
 * the batch from a byte array as often as it can in its time.
 */
final class DecoderThroughput {

    private static final long NOW = 1_700_000_000_000L;
    private static final int EVENTS = 10_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private DecoderThroughput() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        double secondsPerRound = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        Map<String, EventSchema> schemas = new LinkedHashMap<>();
        CatalogLoader.loadDefault().eventTypes().forEach((name, spec) -> schemas.put(name, EventSchema.compile(spec)));
        EventDecoder decoder = new EventDecoder(schemas, 60_000, 100);
        byte[] body = batch(new Random(42));
        System.out.printf(Locale.ROOT, "batch: %d events, %d bytes (%.0f bytes/event)%n", EVENTS, body.length, (double) body.length / EVENTS);

        double[] rates = new double[rounds];
        double[] cpuRates = new double[rounds];
        long sink = 0;
        for (int warmUp = 0; warmUp < 2; warmUp++) {
            sink += run(decoder, body, secondsPerRound)[1];
        }
        for (int round = 0; round < rounds; round++) {
            long[] result = run(decoder, body, secondsPerRound);
            rates[round] = result[1] * 1e9 / result[0];
            cpuRates[round] = result[1] * 1e9 / result[2];
            sink += result[1];
            System.out.printf(Locale.ROOT, "round %d: %,.0f events/s, %,.0f events per CPU-second%n", round + 1, rates[round], cpuRates[round]);
        }
        Arrays.sort(rates);
        Arrays.sort(cpuRates);
        System.out.printf(Locale.ROOT, "median %,.0f events/s (min %,.0f, max %,.0f), %,.0f events per CPU-second (min %,.0f, max %,.0f) "
                        + "over %d rounds of %.0f s%n",
                rates[rounds / 2], rates[0], rates[rounds - 1], cpuRates[rounds / 2], cpuRates[0], cpuRates[rounds - 1],
                rounds, secondsPerRound);
        if (sink == 42) {
            System.out.println(); // keeps the JIT from dropping the work
        }
    }

    /** {elapsed nanos, events decoded, CPU nanos of this thread}. */
    private static long[] run(EventDecoder decoder, byte[] body, double seconds) {
        long cpuStarted = THREADS.getCurrentThreadCpuTime();
        long started = System.nanoTime();
        long deadline = started + (long) (seconds * 1e9);
        long events = 0;
        do {
            DecodeResult result = decoder.decode(body, BodyFormat.NDJSON, NOW);
            if (!(result instanceof DecodeResult.Accepted accepted)) {
                throw new IllegalStateException("the benchmark batch must be valid: " + result);
            }
            events += accepted.events().size();
        } while (System.nanoTime() < deadline);
        return new long[] {System.nanoTime() - started, events, THREADS.getCurrentThreadCpuTime() - cpuStarted};
    }

    static byte[] batch(Random random) {
        String[] regions = {"us-west-2", "us-east-1", "eu-west-1", "ap-south-1"};
        String[] views = {"user_txn", "merchant_risk", "device_profile", "session_stats", "card_velocity"};
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < EVENTS; i++) {
            long time = NOW - random.nextInt(30_000);
            String region = regions[random.nextInt(regions.length)];
            int view = random.nextInt(views.length);
            int kind = random.nextInt(10);
            if (kind < 5) {
                int service = random.nextInt(20);
                out.append("{\"type\":\"feature_request\",\"time\":").append(time).append(",\"aws_region\":\"").append(region)
                        .append("\",\"feature_service_id\":\"fs-").append(service).append("\",\"feature_service_name\":\"service_")
                        .append(service).append("\",\"latency_seconds\":").append(random.nextInt(200_000) / 1e6)
                        .append(",\"status\":").append(random.nextInt(20) == 0 ? 503 : 200).append("}\n");
            } else if (kind < 7) {
                out.append("{\"type\":\"server_utilization\",\"time\":").append(time).append(",\"aws_region\":\"").append(region)
                        .append("\",\"instance\":\"i-").append(random.nextInt(50)).append("\",\"utilization_percent\":")
                        .append(random.nextInt(10_000) / 100.0).append("}\n");
            } else if (kind == 7) {
                out.append("{\"type\":\"stream_batch\",\"time\":").append(time).append(",\"workspace\":\"prod\",\"feature_view_name\":\"")
                        .append(views[view]).append("\",\"feature_view_id\":\"fv-").append(view).append("\",\"input_rows\":")
                        .append(random.nextInt(5000)).append(",\"processed_rows\":").append(random.nextInt(5000))
                        .append(",\"online_store_rows\":").append(random.nextInt(5000)).append(",\"min_event_time\":").append(time - 90_000)
                        .append(",\"avg_event_time\":").append(time - 30_000).append("}\n");
            } else if (kind == 8) {
                out.append("{\"type\":\"served_feature\",\"time\":").append(time).append(",\"workspace\":\"prod\",\"feature_view_name\":\"")
                        .append(views[view]).append("\",\"feature_view_id\":\"fv-").append(view).append("\",\"feature_time\":")
                        .append(time - random.nextInt(60_000)).append("}\n");
            } else {
                out.append("{\"type\":\"ingest_request\",\"time\":").append(time).append(",\"aws_region\":\"").append(region)
                        .append("\",\"latency_seconds\":").append(random.nextInt(500_000) / 1e6).append(",\"status\":200");
                if (random.nextBoolean()) {
                    out.append(",\"writes\":[");
                    for (int w = 0; w < 2; w++) {
                        out.append(w == 0 ? "" : ",").append("{\"workspace\":\"prod\",\"feature_view_name\":\"").append(views[(view + w) % views.length])
                                .append("\",\"feature_view_id\":\"fv-").append((view + w) % views.length).append("\",\"online_rows\":")
                                .append(random.nextInt(100)).append(",\"offline_rows\":").append(random.nextInt(100)).append('}');
                    }
                    out.append(']');
                }
                out.append("}\n");
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
