package dev.metricsgateway.ingest;

/**
 * Why one event (or the body as a whole) was rejected; the HTTP layer renders it as one entry of
 * the 400 answer's {@code details}.
 *
 * @param index   0-based position of the event in the batch, or {@link #WHOLE_BODY} when the
 *                problem is not one event's (e.g. the body is not a JSON array)
 * @param field   JSON path of the offending field ({@code latency_seconds}, {@code writes[2].online_rows},
 *                {@code type}, {@code time}), or {@code null} when the event as a whole is at fault
 * @param message what rule the value broke; holds at most about 100 characters of the sender's input
 */
public record Violation(int index, String field, String message) {

    /** The {@code index} of a problem that belongs to no single event. */
    public static final int WHOLE_BODY = -1;

    public Violation {
        if (index < WHOLE_BODY) {
            throw new IllegalArgumentException(index + ": index must be >= -1");
        }
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("message: must not be blank");
        }
    }
}
