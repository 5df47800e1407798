package dev.metricsgateway.core;

/**
 * Time settings of the aggregation core.
 *
 * @param windowSeconds      length W of the sliding window; rates divide by it
 * @param seriesTtlMillis    a series with no event for this long disappears from the output
 * @param instanceTtlMillis  a per-instance sample older than this no longer counts
 */
public record WindowSettings(int windowSeconds, long seriesTtlMillis, long instanceTtlMillis) {

    /** Tecton documents its rates "over five minutes". */
    public static final int DEFAULT_WINDOW_SECONDS = 300;
    public static final long DEFAULT_SERIES_TTL_MILLIS = 600_000;
    public static final long DEFAULT_INSTANCE_TTL_MILLIS = 60_000;

    public WindowSettings {
        if (windowSeconds < 1 || windowSeconds > 86_400) {
            throw new IllegalArgumentException(windowSeconds + ": window seconds must be between 1 and 86400");
        }
        if (seriesTtlMillis < windowSeconds * 1000L) {
            throw new IllegalArgumentException(seriesTtlMillis + ": the series TTL must be at least the window (" + windowSeconds + " s)");
        }
        if (instanceTtlMillis < 1000) {
            throw new IllegalArgumentException(instanceTtlMillis + ": the instance TTL must be at least 1 s");
        }
    }

    public static WindowSettings defaults() {
        return new WindowSettings(DEFAULT_WINDOW_SECONDS, DEFAULT_SERIES_TTL_MILLIS, DEFAULT_INSTANCE_TTL_MILLIS);
    }
}
