package dev.metricsgateway.testing;

/**
 * NDJSON that exercises every event type and so every metric of the default catalog, with label
 * values that need escaping or are not ASCII.
 */
public final class SampleEvents {

    /** Label values that must survive escaping in both formats. */
    public static final String TRICKY_NAME = "fraud \"v2\"\\ tab\tcomma, brace} eq= ünïcødé ✓\nline";

    private SampleEvents() {
    }

    /** One batch of every event type, all dated {@code timeMillis}. */
    public static String everyType(long timeMillis) {
        String tricky = io.vertx.core.json.Json.encode(TRICKY_NAME);
        return String.join("\n",
                "{\"type\":\"feature_request\",\"time\":" + timeMillis + ",\"aws_region\":\"us-west-2\",\"feature_service_id\":\"fs-1\",\"feature_service_name\":" + tricky + ",\"latency_seconds\":0.004,\"status\":200}",
                "{\"type\":\"feature_request\",\"time\":" + timeMillis + ",\"aws_region\":\"us-west-2\",\"feature_service_id\":\"fs-1\",\"feature_service_name\":" + tricky + ",\"latency_seconds\":0.020,\"status\":503}",
                "{\"type\":\"feature_request\",\"time\":" + timeMillis + ",\"aws_region\":\"eu-west-1\",\"feature_service_id\":\"fs-2\",\"feature_service_name\":\"recs\",\"latency_seconds\":0.010,\"status\":404}",
                "{\"type\":\"server_utilization\",\"time\":" + timeMillis + ",\"aws_region\":\"us-west-2\",\"instance\":\"i-1\",\"utilization_percent\":37.5}",
                "{\"type\":\"server_utilization\",\"time\":" + timeMillis + ",\"aws_region\":\"us-west-2\",\"instance\":\"i-2\",\"utilization_percent\":61.25}",
                "{\"type\":\"stream_batch\",\"time\":" + timeMillis + ",\"workspace\":\"prod\",\"feature_view_name\":\"user_txn\",\"feature_view_id\":\"fv-1\",\"input_rows\":1200,\"processed_rows\":1000,\"online_store_rows\":900,\"min_event_time\":" + (timeMillis - 90_000) + ",\"avg_event_time\":" + (timeMillis - 30_000) + "}",
                "{\"type\":\"served_feature\",\"time\":" + timeMillis + ",\"workspace\":\"prod\",\"feature_view_name\":\"user_txn\",\"feature_view_id\":\"fv-1\",\"feature_time\":" + (timeMillis - 12_000) + "}",
                "{\"type\":\"ingest_request\",\"time\":" + timeMillis + ",\"aws_region\":\"us-east-1\",\"latency_seconds\":0.15,\"status\":200,\"writes\":[{\"workspace\":\"prod\",\"feature_view_name\":\"user_txn\",\"feature_view_id\":\"fv-1\",\"online_rows\":30,\"offline_rows\":60}]}",
                "{\"type\":\"ingest_request\",\"time\":" + timeMillis + ",\"aws_region\":\"us-east-1\",\"latency_seconds\":0.9,\"status\":500}")
                + "\n";
    }
}
