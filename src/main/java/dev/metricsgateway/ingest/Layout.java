package dev.metricsgateway.ingest;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.catalog.FieldSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the decoder knows of the event types, precomputed once: the shape of a top-level object
 * (every field of every type, {@code type}, {@code time} and {@code batch_id} first), the type names, and a
 * {@link SchemaBinding} per type. Immutable.
 */
final class Layout {

    static final String TYPE = "type";
    static final String TIME = "time";
    /** Optional on every event: names the batch for idempotent retries (see {@link IdempotencyCache}). */
    static final String BATCH_ID = "batch_id";
    /** Field ids of {@code type}, {@code time} and {@code batch_id} in {@link #shape()}. */
    static final int TYPE_FIELD = 0;
    static final int TIME_FIELD = 1;
    static final int BATCH_ID_FIELD = 2;

    /** Beyond this many types the "known:" list of an unknown-type message is cut. */
    private static final int MAX_TYPES_LISTED = 20;

    private final ObjectShape shape;
    private final NameIndex typeIndex;
    private final SchemaBinding[] bindings;
    private final String knownTypes;

    Layout(Map<String, EventSchema> schemasByType) {
        List<String> typeNames = new ArrayList<>(schemasByType.keySet());
        List<List<FieldSpec>> fieldLists = new ArrayList<>();
        for (String typeName : typeNames) {
            EventSchema schema = Objects.requireNonNull(schemasByType.get(typeName), typeName + ": no schema");
            for (FieldSpec field : schema.fields()) {
                if (field.name().equals(TYPE) || field.name().equals(TIME) || field.name().equals(BATCH_ID)) {
                    throw new IllegalArgumentException(typeName + ": field \"" + field.name() + "\" is reserved");
                }
            }
            fieldLists.add(schema.fields());
        }
        this.shape = ObjectShape.union(List.of(TYPE, TIME, BATCH_ID), fieldLists);
        this.typeIndex = new NameIndex(typeNames);
        this.bindings = new SchemaBinding[typeNames.size()];
        for (int i = 0; i < bindings.length; i++) {
            bindings[i] = new SchemaBinding(schemasByType.get(typeNames.get(i)), shape);
        }
        List<String> sorted = typeNames.stream().sorted().toList();
        String listed = String.join(", ", sorted.subList(0, Math.min(sorted.size(), MAX_TYPES_LISTED)));
        this.knownTypes = sorted.size() > MAX_TYPES_LISTED ? listed + ", ..." : listed;
    }

    ObjectShape shape() {
        return shape;
    }

    /** The type whose name is {@code chars[offset, offset + length)}, or -1. */
    int typeId(char[] chars, int offset, int length) {
        return typeIndex.get(chars, offset, length);
    }

    SchemaBinding binding(int typeId) {
        return bindings[typeId];
    }

    /** Declared type names, sorted, for the unknown-type message. */
    String knownTypes() {
        return knownTypes;
    }
}
