package dev.metricsgateway.catalog;

import java.util.Locale;

/** The JSON type of an event field, as a catalog declares it. */
public enum FieldType {
    /** A non-empty string of at most {@link #MAX_LABEL_LENGTH} characters, usable as a metric label. */
    LABEL,
    /** A JSON number (integer or decimal). */
    NUMBER,
    /** A JSON integer; stored exactly up to 2^53. */
    INTEGER,
    /** A JSON integer holding epoch milliseconds. */
    EPOCH_MILLIS,
    /** A JSON array of objects whose fields the catalog declares as {@code items}. */
    ARRAY;

    /** Longest label value accepted, in characters (the contract's limit). */
    public static final int MAX_LABEL_LENGTH = 128;

    /** Whether values of this type are held as numbers. */
    public boolean isNumeric() {
        return this == NUMBER || this == INTEGER || this == EPOCH_MILLIS;
    }

    /** Whether a JSON value of this type must be an integer. */
    public boolean requiresInteger() {
        return this == INTEGER || this == EPOCH_MILLIS;
    }

    /** The spelling used in catalog files. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static FieldType parse(String text) {
        for (FieldType type : values()) {
            if (type.wireName().equals(text)) {
                return type;
            }
        }
        throw new IllegalArgumentException(text + ": unknown field type (expected label, number, integer, epoch_millis or array)");
    }
}
