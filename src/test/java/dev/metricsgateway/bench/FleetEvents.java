package dev.metricsgateway.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * NDJSON batches for the benchmarks, in two shapes.
 *
 * <p><b>Fleet mix</b> ({@link #mixedBatch}): the five event types of the catalog in the proportions
 * a fleet sends them (as {@code bench/make_batch.py}): 80 % feature_request over 10,000 feature
 * services (2 % errors), 5 % each of server_utilization (200 instances), stream_batch,
 * served_feature and ingest_request over 500 feature views, in 3 regions. Events carry no
 * {@code time}: they are stamped on arrival, so a batch built once can be sent for hours.
 *
 * <p><b>Exact series</b> ({@link #viewBatch}): one stream_batch event per feature view; each
 * feature view makes exactly {@value #SERIES_PER_VIEW} gauge series (the five {@code spark_stream_*}
 * metrics of stream_batch), so {@code N / 5} feature views make exactly N series.
 */
public final class FleetEvents {

    public static final int BATCH_EVENTS = 1000;
    public static final int FEATURE_SERVICES = 10_000;
    public static final int FEATURE_VIEWS = 500;
    public static final int INSTANCES = 200;
    public static final int SERIES_PER_VIEW = 5;
    private static final String[] REGIONS = {"us-west-2", "us-east-1", "eu-west-1"};
    private static final int[] ERROR_STATUSES = {404, 429, 500, 503};

    private FleetEvents() {
    }

    /** {@code count} distinct fleet-mix batches of {@code events} events each. */
    public static List<byte[]> mixedBatches(int count, int events, long seed) {
        List<byte[]> batches = new ArrayList<>(count);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            batches.add(mixedBatch(events, random));
        }
        return batches;
    }

    static byte[] mixedBatch(int events, SplittableRandom random) {
        StringBuilder out = new StringBuilder(events * 220);
        for (int i = 0; i < events; i++) {
            double kind = random.nextDouble();
            String region = REGIONS[random.nextInt(REGIONS.length)];
            if (kind < 0.80) {
                int fs = random.nextInt(FEATURE_SERVICES);
                int status = random.nextDouble() < 0.98 ? 200 : ERROR_STATUSES[random.nextInt(ERROR_STATUSES.length)];
                out.append("{\"type\":\"feature_request\",\"aws_region\":\"").append(region)
                        .append("\",\"feature_service_id\":\"fs-").append(fs)
                        .append("\",\"feature_service_name\":\"service_").append(fs)
                        .append("\",\"latency_seconds\":").append(latency(random, -4, 0.8))
                        .append(",\"status\":").append(status).append("}\n");
            } else if (kind < 0.85) {
                out.append("{\"type\":\"server_utilization\",\"aws_region\":\"").append(region)
                        .append("\",\"instance\":\"fs-pod-").append(random.nextInt(INSTANCES))
                        .append("\",\"utilization_percent\":").append(Math.round(random.nextDouble(5, 95) * 100) / 100.0)
                        .append("}\n");
            } else if (kind < 0.90) {
                appendStreamBatch(out, random.nextInt(FEATURE_VIEWS));
            } else if (kind < 0.95) {
                int fv = random.nextInt(FEATURE_VIEWS);
                out.append("{\"type\":\"served_feature\",").append(view(fv))
                        .append(",\"feature_time\":1700000000000}\n");
            } else {
                int fv = random.nextInt(FEATURE_VIEWS);
                out.append("{\"type\":\"ingest_request\",\"aws_region\":\"").append(region)
                        .append("\",\"latency_seconds\":").append(latency(random, -3, 0.5))
                        .append(",\"status\":200,\"writes\":[{").append(view(fv))
                        .append(",\"online_rows\":10,\"offline_rows\":10}]}\n");
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One stream_batch event for each feature view in {@code [firstView, firstView + views)}. */
    public static byte[] viewBatch(int firstView, int views) {
        StringBuilder out = new StringBuilder(views * 230);
        for (int fv = firstView; fv < firstView + views; fv++) {
            appendStreamBatch(out, fv);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code events} stream_batch events for feature views drawn at random from {@code [0, views)}. */
    public static byte[] randomViewBatch(int views, int events, SplittableRandom random) {
        StringBuilder out = new StringBuilder(events * 230);
        for (int i = 0; i < events; i++) {
            appendStreamBatch(out, random.nextInt(views));
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * One feature_request event (status 200, region us-west-2) for each feature service in
     * {@code [firstService, firstService + services)}: each makes one {@code feature_service_latency}
     * summary series and one {@code feature_service_requests_rate} gauge series.
     */
    public static byte[] serviceBatch(int firstService, int services, SplittableRandom random) {
        StringBuilder out = new StringBuilder(services * 200);
        for (int fs = firstService; fs < firstService + services; fs++) {
            out.append("{\"type\":\"feature_request\",\"aws_region\":\"us-west-2\",\"feature_service_id\":\"fs-").append(fs)
                    .append("\",\"feature_service_name\":\"service_").append(fs)
                    .append("\",\"latency_seconds\":").append(latency(random, -4, 0.8)).append(",\"status\":200}\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The feature views making exactly {@code series} series; {@code series} must be a multiple of 5. */
    public static int viewsFor(int series) {
        if (series <= 0 || series % SERIES_PER_VIEW != 0) {
            throw new IllegalArgumentException(series + ": series must be a positive multiple of " + SERIES_PER_VIEW);
        }
        return series / SERIES_PER_VIEW;
    }

    private static void appendStreamBatch(StringBuilder out, int fv) {
        out.append("{\"type\":\"stream_batch\",").append(view(fv))
                .append(",\"input_rows\":1000,\"processed_rows\":990,\"online_store_rows\":900")
                .append(",\"min_event_time\":1700000000000,\"avg_event_time\":1700000030000}\n");
    }

    private static String view(int fv) {
        return "\"workspace\":\"prod\",\"feature_view_name\":\"fv_" + fv + "\",\"feature_view_id\":\"fv-" + fv + "\"";
    }

    private static double latency(SplittableRandom random, double mu, double sigma) {
        double gaussian = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
        return Math.round(Math.exp(mu + sigma * gaussian) * 1e6) / 1e6;
    }
}
