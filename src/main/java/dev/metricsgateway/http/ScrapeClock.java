package dev.metricsgateway.http;

import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The time stamped on scrapes: the wall clock, but never earlier than a stamp already served, so
 * no series' timestamp goes backwards when the system clock is stepped back (Prometheus drops
 * out-of-order samples). Thread-safe.
 */
final class ScrapeClock {

    private final InstantSource clock;
    private final AtomicLong lastMillis = new AtomicLong(Long.MIN_VALUE);

    ScrapeClock(InstantSource clock) {
        this.clock = clock;
    }

    long nextMillis() {
        long now = clock.millis();
        return lastMillis.accumulateAndGet(now, Math::max);
    }
}
