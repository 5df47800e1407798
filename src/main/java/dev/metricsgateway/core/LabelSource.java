package dev.metricsgateway.core;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.catalog.FieldType;
import dev.metricsgateway.catalog.LabelSpec;

/** Reads one label value out of an event: a label field as is, or an integer field rendered. */
final class LabelSource {

    private final LabelSpec spec;
    private final int slot;
    private final boolean numeric;

    LabelSource(LabelSpec spec, EventSchema inputSchema) {
        this.spec = spec;
        this.slot = inputSchema.slot(spec.fromField());
        this.numeric = inputSchema.fields().get(inputSchema.fieldIndex(spec.fromField())).type() != FieldType.LABEL;
    }

    String valueOf(Event input) {
        if (!numeric) {
            return input.label(slot);
        }
        double number = input.number(slot);
        return Double.isNaN(number) ? "" : spec.render(number);
    }
}
