package dev.metricsgateway.core;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.catalog.FieldType;
import dev.metricsgateway.catalog.LabelSpec;

/** Reads one label value out of an event: a label field as is, or an integer field rendered. */
final class LabelSource {

    /** Integer values below this are rendered once and reused: statuses and small codes repeat on every event. */
    private static final int CACHED_VALUES = 1024;

    private final LabelSpec spec;
    private final int slot;
    private final boolean numeric;
    /** Rendered values of 0..CACHED_VALUES-1, filled as met; a racing fill writes an equal string. */
    private final String[] rendered;

    LabelSource(LabelSpec spec, EventSchema inputSchema) {
        this.spec = spec;
        this.slot = inputSchema.slot(spec.fromField());
        this.numeric = inputSchema.fields().get(inputSchema.fieldIndex(spec.fromField())).type() != FieldType.LABEL;
        this.rendered = numeric ? new String[CACHED_VALUES] : null;
    }

    /** Whether {@code other} gives the same value as this for every input of the same schema. */
    boolean sameValuesAs(LabelSource other) {
        return other.slot == slot && other.numeric == numeric && other.spec.format() == spec.format();
    }

    String valueOf(Event input) {
        if (!numeric) {
            return input.label(slot);
        }
        double number = input.number(slot);
        if (Double.isNaN(number)) {
            return "";
        }
        if (number >= 0 && number < CACHED_VALUES && number == (int) number) {
            // Racy but safe: a String's fields are final, so a reader that sees the reference sees
            // the whole string; one that sees null renders an equal one.
            String cached = rendered[(int) number];
            if (cached == null) {
                cached = spec.render(number);
                rendered[(int) number] = cached;
            }
            return cached;
        }
        return spec.render(number);
    }
}
