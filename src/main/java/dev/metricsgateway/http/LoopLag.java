package dev.metricsgateway.http;

import java.util.function.LongSupplier;

/**
 * How far behind one event loop runs, measured by a periodic tick: a tick that fires later than
 * due means the loop was busy (decoding and applying batches) for that long. Decode and apply run
 * on the event loop, so a loop that is behind is not reading its sockets either: the requests
 * waiting there are invisible to the in-flight limit, and only the lag tells that the gateway is
 * saturated. While the loop lags more than the limit, and for a hold time after, new ingest
 * requests are refused with 429 before their body is read.
 *
 * <p>Pure: {@link #tick} is called with the loop's own clock readings, so tests drive it without
 * timers. Not thread-safe: one instance per event loop, used on that loop only.
 */
final class LoopLag {

    private final long periodNanos;
    private final long limitNanos;
    private final long holdNanos;
    private final LongSupplier nanoTime;
    private long dueNanos;
    private long overloadedUntilNanos;
    private long lastLagNanos;

    /**
     * @param periodMillis how often the loop is ticked
     * @param limitMillis  lag beyond which ingest is shed; 0 turns shedding off
     * @param holdMillis   how long shedding lasts after the last tick that lagged
     */
    LoopLag(long periodMillis, long limitMillis, long holdMillis, LongSupplier nanoTime) {
        this.periodNanos = periodMillis * 1_000_000;
        this.limitNanos = limitMillis * 1_000_000;
        this.holdNanos = holdMillis * 1_000_000;
        this.nanoTime = nanoTime;
        long now = nanoTime.getAsLong();
        this.dueNanos = now + periodNanos;
        this.overloadedUntilNanos = now; // nanoTime values are compared by difference only: no sentinel
    }

    long periodMillis() {
        return periodNanos / 1_000_000;
    }

    /** A tick of the periodic timer: records how late it fired. */
    void tick() {
        long now = nanoTime.getAsLong();
        lastLagNanos = Math.max(0, now - dueNanos);
        if (limitNanos > 0 && lastLagNanos > limitNanos) {
            overloadedUntilNanos = now + holdNanos;
        }
        dueNanos = now + periodNanos;
    }

    /** Whether new ingest requests are to be shed now. */
    boolean overloaded() {
        return limitNanos > 0 && nanoTime.getAsLong() - overloadedUntilNanos < 0;
    }

    long lastLagMillis() {
        return lastLagNanos / 1_000_000;
    }
}
