package dev.metricsgateway.catalog;

/**
 * One label of a metric and where its value comes from.
 *
 * @param name      the label name on the wire
 * @param fromField the event field holding the value (a label field, or an integer field)
 * @param format    how a numeric field becomes a label value
 */
public record LabelSpec(String name, String fromField, Format format) {

    /** How a label value is rendered from its source field. */
    public enum Format {
        /** The field's own value: a label field as is, an integer field in decimal. */
        VALUE,
        /** An HTTP status rendered as its class: 404 becomes {@code 4xx}. */
        STATUS_CLASS
    }

    /** Renders a numeric field's value as this label's value. */
    public String render(double number) {
        long integer = (long) number;
        return format == Format.STATUS_CLASS ? (integer / 100) + "xx" : Long.toString(integer);
    }
}
