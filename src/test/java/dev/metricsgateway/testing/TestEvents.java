package dev.metricsgateway.testing;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.catalog.FieldSpec;
import dev.metricsgateway.core.Event;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Builds core events by field name, as the decoder would from JSON, so that core tests do not
 * depend on the decoder. Values: String for labels, Number for numbers, List of Maps for arrays.
 */
public final class TestEvents {

    private TestEvents() {
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
