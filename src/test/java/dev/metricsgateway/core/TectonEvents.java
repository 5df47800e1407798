package dev.metricsgateway.core;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.testing.TestEvents;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds events of the default (Tecton) catalog's event types for one engine, field by field. */
final class TectonEvents {

    /** The three labels of a stream feature view, in the catalog's label order. */
    record FeatureView(String workspace, String name, String id) {

        List<String> labels() {
            return List.of(workspace, name, id);
        }

        Map<String, Object> fields() {
            return Map.of("workspace", workspace, "feature_view_name", name, "feature_view_id", id);
        }
    }

    private final Map<String, EventSchema> schemas;

    TectonEvents(AggregationEngine engine) {
        this.schemas = engine.schemas();
    }

    Event request(long timeMillis, String region, String serviceId, String serviceName, double latencySeconds, int status) {
        return TestEvents.event(schemas, "feature_request", timeMillis, Map.of(
                "aws_region", region,
                "feature_service_id", serviceId,
                "feature_service_name", serviceName,
                "latency_seconds", latencySeconds,
                "status", status));
    }

    Event utilization(long timeMillis, String region, String instance, double utilizationPercent) {
        return TestEvents.event(schemas, "server_utilization", timeMillis, Map.of(
                "aws_region", region,
                "instance", instance,
                "utilization_percent", utilizationPercent));
    }

    Event streamBatch(long timeMillis, FeatureView view, long inputRows, long processedRows, long onlineStoreRows,
            long minEventTimeMillis, long avgEventTimeMillis) {
        Map<String, Object> fields = new HashMap<>(view.fields());
        fields.put("input_rows", inputRows);
        fields.put("processed_rows", processedRows);
        fields.put("online_store_rows", onlineStoreRows);
        fields.put("min_event_time", minEventTimeMillis);
        fields.put("avg_event_time", avgEventTimeMillis);
        return TestEvents.event(schemas, "stream_batch", timeMillis, fields);
    }

    Event servedFeature(long timeMillis, FeatureView view, long featureTimeMillis) {
        Map<String, Object> fields = new HashMap<>(view.fields());
        fields.put("feature_time", featureTimeMillis);
        return TestEvents.event(schemas, "served_feature", timeMillis, fields);
    }

    Event ingest(long timeMillis, String region, double latencySeconds, int status) {
        return TestEvents.event(schemas, "ingest_request", timeMillis, Map.of(
                "aws_region", region,
                "latency_seconds", latencySeconds,
                "status", status));
    }

    Event ingest(long timeMillis, String region, double latencySeconds, int status, List<Map<String, Object>> writes) {
        return TestEvents.event(schemas, "ingest_request", timeMillis, Map.of(
                "aws_region", region,
                "latency_seconds", latencySeconds,
                "status", status,
                "writes", writes));
    }

    static Map<String, Object> write(FeatureView view, long onlineRows, long offlineRows) {
        Map<String, Object> item = new HashMap<>(view.fields());
        item.put("online_rows", onlineRows);
        item.put("offline_rows", offlineRows);
        return item;
    }
}
