package dev.metricsgateway.core;

import dev.metricsgateway.catalog.EventSchema;

/**
 * One validated event in compact form: its values sit in the slots its {@link EventSchema}
 * assigns, so aggregation reads arrays by index and no JSON tree exists per event. An absent
 * optional number is {@code NaN}, an absent optional label {@code ""}, an absent optional array
 * has no items. Elements of array fields are events of the item schema that share their parent's
 * time.
 *
 * <p>Built by the decoder, read by the aggregator; the arrays are never modified after
 * construction, so an event may be read from any thread.
 */
public final class Event {

    private static final Event[] NO_ITEMS = new Event[0];

    private final EventSchema schema;
    private final long timeMillis;
    private final String[] labels;
    private final double[] numbers;
    private final Event[][] arrays;

    /** Takes ownership of the arrays: callers build them fresh per event and do not keep them. */
    public Event(EventSchema schema, long timeMillis, String[] labels, double[] numbers, Event[][] arrays) {
        if (labels.length != schema.labelSlots() || numbers.length != schema.numberSlots() || arrays.length != schema.arraySlots()) {
            throw new IllegalArgumentException(schema.name() + ": slot counts do not match the schema");
        }
        this.schema = schema;
        this.timeMillis = timeMillis;
        this.labels = labels;
        this.numbers = numbers;
        this.arrays = arrays;
    }

    public EventSchema schema() {
        return schema;
    }

    /** The event's time in epoch milliseconds (the arrival time when the sender gave none). */
    public long timeMillis() {
        return timeMillis;
    }

    public String label(int slot) {
        return labels[slot];
    }

    public double number(int slot) {
        return numbers[slot];
    }

    /** Elements of the array field in {@code slot}; never null. */
    public Event[] items(int slot) {
        Event[] items = arrays[slot];
        return items == null ? NO_ITEMS : items;
    }
}
