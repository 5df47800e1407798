package dev.metricsgateway.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled layout of an event type: each declared field gets a slot in one of three compact
 * arrays of a decoded event (labels, numbers, arrays), so the hot path indexes arrays instead of
 * looking up names. Array fields have an item schema of their own. Immutable.
 */
public final class EventSchema {

    private final String name;
    private final List<FieldSpec> fields;
    private final Map<String, Integer> indexByName;
    private final int[] slotByField;
    private final EventSchema[] itemSchemaBySlot;
    private final int labelSlots;
    private final int numberSlots;

    private EventSchema(String name, List<FieldSpec> fields) {
        this.name = name;
        this.fields = List.copyOf(fields);
        this.indexByName = new HashMap<>();
        this.slotByField = new int[fields.size()];
        List<EventSchema> items = new ArrayList<>();
        int labels = 0;
        int numbers = 0;
        for (int i = 0; i < fields.size(); i++) {
            FieldSpec field = fields.get(i);
            indexByName.put(field.name(), i);
            slotByField[i] = switch (field.type()) {
                case LABEL -> labels++;
                case NUMBER, INTEGER, EPOCH_MILLIS -> numbers++;
                case ARRAY -> {
                    items.add(new EventSchema(name + "." + field.name(), field.items()));
                    yield items.size() - 1;
                }
            };
        }
        this.itemSchemaBySlot = items.toArray(new EventSchema[0]);
        this.labelSlots = labels;
        this.numberSlots = numbers;
    }

    /** Compiles an event type. */
    public static EventSchema compile(EventTypeSpec eventType) {
        return new EventSchema(eventType.name(), eventType.fields());
    }

    /** The event type's name ({@code feature_request}); for array items, {@code type.field}. */
    public String name() {
        return name;
    }

    /** Declared fields in declaration order; a field's position is its field index. */
    public List<FieldSpec> fields() {
        return fields;
    }

    /** The field index of {@code fieldName}, or -1 when the field is not declared. */
    public int fieldIndex(String fieldName) {
        Integer index = indexByName.get(fieldName);
        return index == null ? -1 : index;
    }

    /** The slot of field {@code fieldIndex} within the array its type selects (labels, numbers or arrays). */
    public int slot(int fieldIndex) {
        return slotByField[fieldIndex];
    }

    /** The slot of the field named {@code fieldName}; the field must be declared. */
    public int slot(String fieldName) {
        int index = fieldIndex(fieldName);
        if (index < 0) {
            throw new IllegalArgumentException(fieldName + ": not a field of " + name);
        }
        return slotByField[index];
    }

    /** The schema of the elements of the array field in {@code arraySlot}. */
    public EventSchema itemSchema(int arraySlot) {
        return itemSchemaBySlot[arraySlot];
    }

    public int labelSlots() {
        return labelSlots;
    }

    public int numberSlots() {
        return numberSlots;
    }

    public int arraySlots() {
        return itemSchemaBySlot.length;
    }

    @Override
    public String toString() {
        return "EventSchema[" + name + "]";
    }
}
