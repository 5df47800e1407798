package dev.metricsgateway.ingest;

import java.util.Arrays;

/**
 * Scratch storage for the raw JSON values of objects of one {@link ObjectShape}, kept until the
 * enclosing event closes and its type is known. A record is one object: {@code width} slots of
 * parallel primitive arrays (kind, long, double, String), so reading a value allocates nothing
 * beyond the label strings an event keeps; a slot holds a long or a double, never both, so both
 * share one array. Array-valued slots point at a run of records in the
 * child storage of that field.
 *
 * <p>Per decode call, confined to the calling thread; reset at the start of every event and reused
 * for the next, growing to the largest event of the batch.
 */
final class RawRecords {

    // Kinds of a slot (what JSON value it holds) and of a record (OBJECT, or what stood in its place).
    static final byte MISSING = 0;
    static final byte NULL = 1;
    static final byte STRING = 2;
    /** An integer that fits a long; in {@code longValue}. */
    static final byte INTEGER = 3;
    /** An integer beyond a long; its approximate value in {@code doubleValue}. */
    static final byte BIG_INTEGER = 4;
    static final byte FLOAT = 5;
    static final byte BOOLEAN = 6;
    /** An array; {@code itemStart/itemCount} locate its items in {@link #items(int)}. */
    static final byte ARRAY = 7;
    /** An array with more than {@link EventDecoder#MAX_ARRAY_ITEMS} elements; its items were skipped. */
    static final byte LONG_ARRAY = 8;
    static final byte OBJECT = 9;

    private final ObjectShape shape;
    private final int width;
    private final RawRecords[] children;
    private int size;
    private byte[] recordKinds;
    private byte[] kinds;
    private long[] bits;
    private String[] strings;

    RawRecords(ObjectShape shape, int initialRecords) {
        this.shape = shape;
        this.width = shape.width();
        this.children = new RawRecords[width];
        for (int id = 0; id < width; id++) {
            ObjectShape child = shape.child(id);
            children[id] = child == null ? null : new RawRecords(child, 8);
        }
        allocate(Math.max(1, initialRecords));
    }

    ObjectShape shape() {
        return shape;
    }

    /** Forgets every record here and below; called when a new top-level event starts. */
    void reset() {
        size = 0;
        for (RawRecords child : children) {
            if (child != null) {
                child.reset();
            }
        }
    }

    int size() {
        return size;
    }

    /** Appends a record with every slot MISSING; returns its number. */
    int add(byte recordKind) {
        int record = size;
        if (record == recordKinds.length) {
            allocate(record * 2);
        }
        size = record + 1;
        recordKinds[record] = recordKind;
        Arrays.fill(kinds, record * width, record * width + width, MISSING);
        return record;
    }

    byte recordKind(int record) {
        return recordKinds[record];
    }

    /** The slot of field {@code fieldId} of {@code record}, for the accessors below. */
    int at(int record, int fieldId) {
        return record * width + fieldId;
    }

    /** The storage for the items of array field {@code fieldId}, or null when it has no item shape. */
    RawRecords items(int fieldId) {
        return children[fieldId];
    }

    byte kind(int at) {
        return kinds[at];
    }

    long longValue(int at) {
        return bits[at];
    }

    double doubleValue(int at) {
        return Double.longBitsToDouble(bits[at]);
    }

    String string(int at) {
        return strings[at];
    }

    int itemStart(int at) {
        return (int) (bits[at] >>> 32);
    }

    int itemCount(int at) {
        return (int) bits[at];
    }

    void setKind(int at, byte kind) {
        kinds[at] = kind;
    }

    void setString(int at, String value) {
        kinds[at] = STRING;
        strings[at] = value;
    }

    void setLong(int at, byte kind, long value) {
        kinds[at] = kind;
        bits[at] = value;
    }

    void setDouble(int at, byte kind, double value) {
        kinds[at] = kind;
        bits[at] = Double.doubleToRawLongBits(value);
    }

    void setItems(int at, int start, int count) {
        kinds[at] = ARRAY;
        bits[at] = (long) start << 32 | count;
    }

    private void allocate(int records) {
        int slots = records * width;
        recordKinds = recordKinds == null ? new byte[records] : Arrays.copyOf(recordKinds, records);
        kinds = kinds == null ? new byte[slots] : Arrays.copyOf(kinds, slots);
        bits = bits == null ? new long[slots] : Arrays.copyOf(bits, slots);
        strings = strings == null ? new String[slots] : Arrays.copyOf(strings, slots);
    }
}
