package dev.metricsgateway.exposition;

import java.util.Locale;

/**
 * The two text formats the scrape endpoint serves, and the negotiation between them.
 *
 * <p>The rule (CONFORMANCE.md item 3): an {@code Accept} header that mentions
 * {@code application/openmetrics-text} gets OpenMetrics 1.0.0; anything else (text/plain,
 * {@code *}/{@code *}, protobuf, garbage, no header) gets Prometheus text 0.0.4. We negotiate
 * ourselves rather than with {@code ExpositionFormats.findWriter()}, which picks protobuf for a
 * protobuf-first Accept.
 */
public enum ExpositionFormat {
    PROMETHEUS_TEXT("text/plain; version=0.0.4; charset=utf-8"),
    OPENMETRICS_TEXT("application/openmetrics-text; version=1.0.0; charset=utf-8");

    private final String contentType;

    ExpositionFormat(String contentType) {
        this.contentType = contentType;
    }

    /** The exact Content-Type of a response in this format. */
    public String contentType() {
        return contentType;
    }

    /** The format to answer a request carrying {@code accept} (may be null) with. */
    public static ExpositionFormat negotiate(String accept) {
        if (accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text")) {
            return OPENMETRICS_TEXT;
        }
        return PROMETHEUS_TEXT;
    }
}
