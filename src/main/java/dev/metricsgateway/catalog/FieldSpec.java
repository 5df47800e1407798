package dev.metricsgateway.catalog;

import java.util.List;

/**
 * One declared field of an event type.
 *
 * @param name  JSON key
 * @param type  JSON type
 * @param optional whether the field may be absent
 * @param min   inclusive lower bound for numeric fields, {@code -Infinity} when unbounded
 * @param max   inclusive upper bound for numeric fields, {@code +Infinity} when unbounded
 * @param items element fields of an {@link FieldType#ARRAY} field, empty otherwise
 */
public record FieldSpec(String name, FieldType type, boolean optional, double min, double max, List<FieldSpec> items) {

    /** Largest integer a JSON integer field may hold: beyond it a double no longer stores it exactly. */
    public static final double MAX_EXACT_INTEGER = 9007199254740992d; // 2^53

    public FieldSpec {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("field name: must not be empty");
        }
        if (min > max) {
            throw new IllegalArgumentException(name + ": min " + min + " is above max " + max);
        }
        items = List.copyOf(items);
        if ((type == FieldType.ARRAY) == items.isEmpty()) {
            throw new IllegalArgumentException(name + ": an array field needs items, and only an array field has them");
        }
    }

    /** Whether {@code value} lies within this field's bounds. */
    public boolean inRange(double value) {
        return value >= min && value <= max;
    }

    /** The rule a value broke, for error messages: "must be between 0 and 100". */
    public String rangeDescription() {
        boolean hasMin = min != Double.NEGATIVE_INFINITY;
        boolean hasMax = max != Double.POSITIVE_INFINITY;
        if (hasMin && hasMax) {
            return "must be between " + format(min) + " and " + format(max);
        }
        if (hasMin) {
            return "must be >= " + format(min);
        }
        return hasMax ? "must be <= " + format(max) : "must be a finite number";
    }

    private static String format(double bound) {
        return bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
    }
}
