package dev.metricsgateway.http;

import java.util.function.LongSupplier;

/**
 * Whether one event loop is overloaded with ingest, measured by a timer that re-arms itself every
 * tick: a tick that fires later than due means the loop was busy for that long. Decode and apply
 * run on the event loop, so a loop that is behind is not reading its sockets either: the requests
 * waiting there are invisible to the in-flight limit, and only the lag tells that the gateway is
 * saturated. While the loop is overloaded, and for a hold time after, new ingest requests are
 * refused with 429 before their body is read.
 *
 * <p><b>The rule: sustained lag with a backlog.</b> A tick is <em>congested</em> when it is late
 * by more than the limit <em>and</em> at least {@code minRequests} ingest requests reached this
 * loop since the previous tick: the loop fell behind because requests were queued behind each
 * other. The loop is overloaded once {@code congestedTicks} ticks in a row are congested (it never
 * caught up in between); every further congested tick of the run extends the hold. A tick that is
 * not congested ends the run. Shedding drains the loop, so its ticks come on time again during
 * the hold while the overload goes on: for {@code reentryMillis} after the last tick that shed, a
 * single congested tick sheds again, rather than letting the queue grow through a whole new run
 * each time. So one stall does not shed, however long: a GC pause or a JVM
 * warm-up stall sees no queue of requests and is a single late tick, and a large scrape or a
 * single huge batch keeps the loop busy without requests piling up behind it. (Shedding on one
 * late tick, as a first version did, answered the first ingest after start-up with 429.)
 *
 * <p>The timer must be re-armed after each tick (fixed delay), not run at a fixed rate: a
 * fixed-rate timer catches up after a stall with ticks that are all "on time", which would end
 * every run.
 *
 * <p>Pure: {@link #tick} and {@link #requestArrived} read the given nanosecond clock, so tests
 * drive it without timers. Not thread-safe: one instance per event loop, used on that loop only.
 */
final class LoopLag {

    private final long periodNanos;
    private final long limitNanos;
    private final long holdNanos;
    private final int congestedTicks;
    private final int minRequests;
    private final long reentryNanos;
    private final LongSupplier nanoTime;
    private long dueNanos;
    private long overloadedUntilNanos;
    private long reentryUntilNanos;
    private long lastLagNanos;
    private int requestsSinceTick;
    private int congestedRun;

    /**
     * @param periodMillis   how long after a tick the next one is due
     * @param limitMillis    lag beyond which a tick may be congested; 0 turns shedding off
     * @param holdMillis     how long shedding lasts after the last congested tick of an overloaded run
     * @param congestedTicks congested ticks in a row that make the loop overloaded (at least 1)
     * @param minRequests    ingest requests since the previous tick that make a late tick congested
     * @param reentryMillis  how long after shedding one congested tick is enough to shed again
     */
    LoopLag(long periodMillis, long limitMillis, long holdMillis, int congestedTicks, int minRequests, long reentryMillis,
            LongSupplier nanoTime) {
        if (periodMillis <= 0 || limitMillis < 0 || holdMillis < 0 || congestedTicks < 1 || minRequests < 0 || reentryMillis < 0) {
            throw new IllegalArgumentException("period " + periodMillis + " ms, limit " + limitMillis + " ms, hold " + holdMillis
                    + " ms, " + congestedTicks + " ticks, " + minRequests + " requests, re-entry " + reentryMillis
                    + " ms: period and ticks must be positive, the rest not negative");
        }
        this.periodNanos = periodMillis * 1_000_000;
        this.limitNanos = limitMillis * 1_000_000;
        this.holdNanos = holdMillis * 1_000_000;
        this.congestedTicks = congestedTicks;
        this.minRequests = minRequests;
        this.reentryNanos = reentryMillis * 1_000_000;
        this.nanoTime = nanoTime;
        long now = nanoTime.getAsLong();
        this.dueNanos = now + periodNanos;
        this.overloadedUntilNanos = now; // nanoTime values are compared by difference only: no sentinel
        this.reentryUntilNanos = now;
    }

    long periodMillis() {
        return periodNanos / 1_000_000;
    }

    /** Whether shedding is on at all (a limit of 0 turns it off, and the timer need not run). */
    boolean enabled() {
        return limitNanos > 0;
    }

    /** An ingest request reached this loop's admission check (shed or not). */
    void requestArrived() {
        if (requestsSinceTick < Integer.MAX_VALUE) {
            requestsSinceTick++;
        }
    }

    /** A tick of the timer: records how late it fired and how many requests came since the last one. */
    void tick() {
        long now = nanoTime.getAsLong();
        lastLagNanos = Math.max(0, now - dueNanos);
        boolean congested = limitNanos > 0 && lastLagNanos > limitNanos && requestsSinceTick >= minRequests;
        congestedRun = congested ? congestedRun + 1 : 0;
        if (congestedRun >= congestedTicks || (congested && now - reentryUntilNanos < 0)) {
            overloadedUntilNanos = now + holdNanos;
            reentryUntilNanos = now + reentryNanos;
        }
        requestsSinceTick = 0;
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
