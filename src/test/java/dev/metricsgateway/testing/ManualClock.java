package dev.metricsgateway.testing;

import java.time.Instant;
import java.time.InstantSource;

/** A clock that moves only when a test moves it. Thread-safe. */
public final class ManualClock implements InstantSource {

    private volatile long millis;

    public ManualClock(long startMillis) {
        this.millis = startMillis;
    }

    public long millis() {
        return millis;
    }

    public void advanceMillis(long delta) {
        millis += delta;
    }

    public void setMillis(long newMillis) {
        millis = newMillis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }
}
