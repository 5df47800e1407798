package dev.metricsgateway.catalog;

import java.util.List;
import java.util.Optional;

/**
 * An event type: the {@code type} value of an event and the fields it carries besides {@code type}
 * and {@code time}.
 */
public record EventTypeSpec(String name, List<FieldSpec> fields) {

    public EventTypeSpec {
        fields = List.copyOf(fields);
    }

    /** The field named {@code fieldName}, if declared. */
    public Optional<FieldSpec> field(String fieldName) {
        return fields.stream().filter(f -> f.name().equals(fieldName)).findFirst();
    }
}
