package dev.metricsgateway.ingest;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.catalog.FieldSpec;
import dev.metricsgateway.catalog.FieldType;
import dev.metricsgateway.core.Event;
import java.util.List;

/**
 * One event type (or array item type) bound to the {@link ObjectShape} its objects are read into:
 * for each declared field, its scratch slot, its slot in the {@link Event}, and the texts of the
 * rules it can break, all computed once. {@link #bind} checks a read object against the schema
 * and builds the event. Immutable.
 */
final class SchemaBinding {

    private static final Event[] NO_ITEMS = new Event[0];
    private static final Event[][] NO_ARRAYS = new Event[0][];
    /** {@link FieldSpec#MAX_EXACT_INTEGER} as a long: comparing a long with the double would round 2^53 + 1 down. */
    private static final long MAX_EXACT_INTEGER = 1L << 53;

    private final EventSchema schema;
    private final FieldSpec[] fields;
    private final int[] fieldIds;
    private final int[] slots;
    private final SchemaBinding[] itemBindings;
    private final String[] rangeProblems;
    private final String[] exactIntegerProblems;

    SchemaBinding(EventSchema schema, ObjectShape shape) {
        List<FieldSpec> declared = schema.fields();
        this.schema = schema;
        this.fields = declared.toArray(new FieldSpec[0]);
        this.fieldIds = new int[fields.length];
        this.slots = new int[fields.length];
        this.itemBindings = new SchemaBinding[fields.length];
        this.rangeProblems = new String[fields.length];
        this.exactIntegerProblems = new String[fields.length];
        for (int i = 0; i < fields.length; i++) {
            FieldSpec field = fields[i];
            fieldIds[i] = shape.fieldId(field.name());
            slots[i] = schema.slot(i);
            rangeProblems[i] = field.rangeDescription();
            exactIntegerProblems[i] = exactIntegerProblem(field);
            if (field.type() == FieldType.ARRAY) {
                itemBindings[i] = new SchemaBinding(schema.itemSchema(slots[i]), shape.child(fieldIds[i]));
            }
        }
    }

    EventSchema schema() {
        return schema;
    }

    /**
     * Checks {@code record} against the schema and builds its event, or reports each broken rule
     * to {@code log} and returns null. Items of array fields get {@code timeMillis} too.
     */
    Event bind(RawRecords records, int record, long timeMillis, ViolationLog log) {
        String[] labels = new String[schema.labelSlots()];
        double[] numbers = new double[schema.numberSlots()];
        Event[][] arrays = schema.arraySlots() == 0 ? NO_ARRAYS : new Event[schema.arraySlots()][];
        boolean valid = true;
        for (int i = 0; i < fields.length; i++) {
            FieldSpec field = fields[i];
            int at = records.at(record, fieldIds[i]);
            byte kind = records.kind(at);
            int slot = slots[i];
            String problem;
            if (kind == RawRecords.MISSING || kind == RawRecords.NULL) {
                problem = field.optional() ? absent(field.type(), slot, labels, numbers, arrays) : Messages.REQUIRED;
            } else {
                switch (field.type()) {
                    case LABEL -> problem = label(kind, records.string(at), slot, labels);
                    case NUMBER -> problem = number(kind, records, at, i, slot, numbers);
                    case INTEGER, EPOCH_MILLIS -> problem = integer(kind, records, at, i, slot, numbers);
                    case ARRAY -> {
                        problem = null;
                        if (kind == RawRecords.ARRAY) {
                            Event[] items = items(records, at, i, timeMillis, log);
                            valid &= items != null;
                            arrays[slot] = items;
                        } else {
                            problem = kind == RawRecords.LONG_ARRAY ? Messages.TOO_MANY_ITEMS : Messages.MUST_BE_ARRAY;
                        }
                    }
                    default -> throw new IllegalStateException(field.type() + ": not a field type");
                }
            }
            if (problem != null) {
                log.field(field.name(), problem);
                valid = false;
            }
        }
        return valid ? new Event(schema, timeMillis, labels, numbers, arrays) : null;
    }

    private static String absent(FieldType type, int slot, String[] labels, double[] numbers, Event[][] arrays) {
        switch (type) {
            case LABEL -> labels[slot] = "";
            case ARRAY -> arrays[slot] = NO_ITEMS;
            default -> numbers[slot] = Double.NaN;
        }
        return null;
    }

    private static String label(byte kind, String value, int slot, String[] labels) {
        if (kind != RawRecords.STRING) {
            return Messages.MUST_BE_STRING;
        }
        String problem = labelProblem(value);
        if (problem == null) {
            labels[slot] = value;
        }
        return problem;
    }

    /**
     * Why {@code value} is no label value, or null: a label is 1 to
     * {@link FieldType#MAX_LABEL_LENGTH} Unicode code points (a character outside the BMP counts
     * once, as a sender would count it) of well-formed UTF-16, so the exposition can write it as UTF-8.
     */
    static String labelProblem(String value) {
        int length = value.length();
        if (length == 0 || length > 2 * FieldType.MAX_LABEL_LENGTH) {
            return Messages.BAD_LABEL;
        }
        int codePoints = 0;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 == length || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return Messages.UNPAIRED_SURROGATE;
                }
                i++;
            }
            codePoints++;
        }
        return codePoints <= FieldType.MAX_LABEL_LENGTH ? null : Messages.BAD_LABEL;
    }

    private String number(byte kind, RawRecords records, int at, int field, int slot, double[] numbers) {
        double value;
        if (kind == RawRecords.INTEGER) {
            value = records.longValue(at);
        } else if (kind == RawRecords.FLOAT || kind == RawRecords.BIG_INTEGER) {
            value = records.doubleValue(at);
        } else {
            return Messages.MUST_BE_NUMBER;
        }
        if (!Double.isFinite(value)) {
            return Messages.MUST_BE_FINITE; // 1e400 parses as Infinity
        }
        if (!fields[field].inRange(value)) {
            return rangeProblems[field];
        }
        numbers[slot] = value + 0.0; // turns -0.0 into 0.0, which the exposition would print as "-0.0"
        return null;
    }

    private String integer(byte kind, RawRecords records, int at, int field, int slot, double[] numbers) {
        if (kind == RawRecords.BIG_INTEGER) {
            return exactIntegerProblems[field];
        }
        if (kind != RawRecords.INTEGER) {
            return Messages.MUST_BE_INTEGER;
        }
        long value = records.longValue(at);
        if (value > MAX_EXACT_INTEGER || value < -MAX_EXACT_INTEGER) {
            return exactIntegerProblems[field];
        }
        if (!fields[field].inRange(value)) {
            return rangeProblems[field];
        }
        numbers[slot] = value;
        return null;
    }

    private Event[] items(RawRecords records, int at, int field, long timeMillis, ViolationLog log) {
        int count = records.itemCount(at);
        if (count == 0) {
            return NO_ITEMS;
        }
        RawRecords itemRecords = records.items(fieldIds[field]);
        SchemaBinding itemBinding = itemBindings[field];
        int start = records.itemStart(at);
        Event[] items = new Event[count];
        boolean valid = true;
        for (int i = 0; i < count; i++) {
            log.enterItem(fields[field].name(), i);
            int item = start + i;
            if (itemRecords.recordKind(item) == RawRecords.OBJECT) {
                items[i] = itemBinding.bind(itemRecords, item, timeMillis, log);
                valid &= items[i] != null;
            } else {
                log.element(Messages.MUST_BE_OBJECT);
                valid = false;
            }
            log.leaveItem();
        }
        return valid ? items : null;
    }

    /** The rule an integer beyond ±2^53 breaks: the field's bounds, narrowed to what a double holds exactly. */
    private static String exactIntegerProblem(FieldSpec field) {
        double min = Math.max(field.min(), -FieldSpec.MAX_EXACT_INTEGER);
        double max = Math.min(field.max(), FieldSpec.MAX_EXACT_INTEGER);
        return "must be between " + (long) Math.ceil(min) + " and " + (long) Math.floor(max);
    }
}
