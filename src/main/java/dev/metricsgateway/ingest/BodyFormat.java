package dev.metricsgateway.ingest;

import java.util.Optional;

/** How the events of a request body are framed; chosen by the request's {@code Content-Type}. */
public enum BodyFormat {
    /** JSON objects one after another, one per line ({@code application/x-ndjson}); blank lines are ignored. */
    NDJSON,
    /** One JSON array of objects ({@code application/json}). */
    JSON_ARRAY;

    /**
     * The format a {@code Content-Type} header names: {@code application/x-ndjson} and
     * {@code application/ndjson} are {@link #NDJSON}, {@code application/json} is {@link #JSON_ARRAY}.
     * Case-insensitive; parameters such as {@code ; charset=utf-8} are ignored.
     *
     * @return empty for an absent or any other media type (the HTTP layer answers 415)
     */
    public static Optional<BodyFormat> fromContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        if (mediaType.equalsIgnoreCase("application/x-ndjson") || mediaType.equalsIgnoreCase("application/ndjson")) {
            return Optional.of(NDJSON);
        }
        if (mediaType.equalsIgnoreCase("application/json")) {
            return Optional.of(JSON_ARRAY);
        }
        return Optional.empty();
    }
}
