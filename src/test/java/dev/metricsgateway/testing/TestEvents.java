package dev.metricsgateway.testing;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.catalog.FieldSpec;
import dev.metricsgateway.core.Event;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds core events by field name, as the decoder would from JSON, so that core tests do not
 * depend on the decoder. Values: String for labels, Number for numbers, List of Maps for arrays.
 */
public final class TestEvents {

    private static final String[] REGIONS = {"us-west-2", "eu-west-1"};

    private TestEvents() {
    }

    /**
     * One event of a random Tecton type with random values drawn from {@code random}, over a few
     * series per metric: same seed, same event, whatever engine's schemas build it.
     */
    public static Event random(Map<String, EventSchema> schemas, Random random, long time) {
        String region = REGIONS[random.nextInt(REGIONS.length)];
        return switch (random.nextInt(5)) {
            case 0 -> TestEvents.event(schemas, "feature_request", time, Map.of("aws_region", region,
                    "feature_service_id", "fs-" + random.nextInt(3), "feature_service_name", "svc",
                    "latency_seconds", random.nextInt(1_000_000) / 1e6, "status", random.nextBoolean() ? 200 : 500 + random.nextInt(4)));
            case 1 -> TestEvents.event(schemas, "server_utilization", time, Map.of("aws_region", region,
                    "instance", "i-" + random.nextInt(4), "utilization_percent", random.nextInt(100)));
            case 2 -> TestEvents.event(schemas, "stream_batch", time, Map.of("workspace", "prod",
                    "feature_view_name", "fv", "feature_view_id", "fv-" + random.nextInt(2), "input_rows", random.nextInt(100),
                    "processed_rows", random.nextInt(100), "online_store_rows", random.nextInt(100),
                    "min_event_time", time - random.nextInt(60_000), "avg_event_time", time - random.nextInt(30_000)));
            case 3 -> TestEvents.event(schemas, "served_feature", time, Map.of("workspace", "prod",
                    "feature_view_name", "fv", "feature_view_id", "fv-" + random.nextInt(2), "feature_time", time - random.nextInt(20_000)));
            default -> TestEvents.event(schemas, "ingest_request", time, Map.of("aws_region", region,
                    "latency_seconds", random.nextInt(1_000_000) / 1e6, "status", 200 + 100 * random.nextInt(4),
                    "writes", List.of(Map.of("workspace", "prod", "feature_view_name", "fv", "feature_view_id", "fv-1",
                            "online_rows", random.nextInt(50), "offline_rows", random.nextInt(50)))));
        };
    }

    public static Event event(Map<String, EventSchema> schemas, String type, long timeMillis, Map<String, ?> fields) {
        EventSchema schema = schemas.get(type);
        if (schema == null) {
            throw new IllegalArgumentException(type + ": unknown type");
        }
        return build(schema, timeMillis, fields);
    }

    @SuppressWarnings("unchecked")
    private static Event build(EventSchema schema, long timeMillis, Map<String, ?> fields) {
        String[] labels = new String[schema.labelSlots()];
        Arrays.fill(labels, "");
        double[] numbers = new double[schema.numberSlots()];
        Arrays.fill(numbers, Double.NaN);
        Event[][] arrays = new Event[schema.arraySlots()][];
        for (Map.Entry<String, ?> entry : fields.entrySet()) {
            int index = schema.fieldIndex(entry.getKey());
            if (index < 0) {
                throw new IllegalArgumentException(entry.getKey() + ": not a field of " + schema.name());
            }
            FieldSpec field = schema.fields().get(index);
            int slot = schema.slot(index);
            switch (field.type()) {
                case LABEL -> labels[slot] = (String) entry.getValue();
                case NUMBER, INTEGER, EPOCH_MILLIS -> numbers[slot] = ((Number) entry.getValue()).doubleValue();
                case ARRAY -> arrays[slot] = ((List<Map<String, ?>>) entry.getValue()).stream()
                        .map(item -> build(schema.itemSchema(slot), timeMillis, item))
                        .toArray(Event[]::new);
            }
        }
        return new Event(schema, timeMillis, labels, numbers, arrays);
    }
}
