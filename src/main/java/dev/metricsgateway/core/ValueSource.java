package dev.metricsgateway.core;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.catalog.MetricSpec;

/**
 * Where a metric's per-event value comes from: a numeric field, the age of an epoch-millis field
 * in seconds, or 1 (to count events).
 */
final class ValueSource {

    private static final int COUNT = -1;

    private final int slot;
    private final boolean age;

    private ValueSource(int slot, boolean age) {
        this.slot = slot;
        this.age = age;
    }

    static ValueSource of(MetricSpec spec, EventSchema inputSchema) {
        if (spec.valueField() != null) {
            return new ValueSource(inputSchema.slot(spec.valueField()), false);
        }
        if (spec.ageOfField() != null) {
            return new ValueSource(inputSchema.slot(spec.ageOfField()), true);
        }
        return new ValueSource(COUNT, false);
    }

    /** The value of {@code input}; NaN when its optional source field is absent. */
    double valueOf(Event input, long eventTimeMillis) {
        if (slot == COUNT) {
            return 1;
        }
        double field = input.number(slot);
        return age ? (eventTimeMillis - field) / 1000.0 : field;
    }
}
