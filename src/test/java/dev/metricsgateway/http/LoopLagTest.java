package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lag rule on a manual nanosecond clock: ticks on time never shed; a late tick sheds for the hold time. */
class LoopLagTest {

    private static final long MS = 1_000_000;
    private final AtomicLong nanos = new AtomicLong(1_000 * MS);

    @Test
    void ticksOnTimeOrLateWithinTheLimitNeverShed() {
        LoopLag lag = new LoopLag(20, 250, 1_000, nanos::get);
        for (int i = 0; i < 100; i++) {
            nanos.addAndGet(20 * MS + (i % 2) * 200 * MS); // every other tick 200 ms late: under the limit
            lag.tick();
            assertThat(lag.overloaded()).as("tick %d, lag %d ms", i, lag.lastLagMillis()).isFalse();
        }
    }

    @Test
    void aTickLaterThanTheLimitShedsForTheHoldTimeThenStops() {
        LoopLag lag = new LoopLag(20, 250, 1_000, nanos::get);
        nanos.addAndGet(20 * MS + 251 * MS);
        lag.tick();
        assertThat(lag.lastLagMillis()).isEqualTo(251);
        assertThat(lag.overloaded()).isTrue();
        // Ticks on time again: still shedding until the hold time after the late tick has passed.
        for (int i = 0; i < 49; i++) {
            nanos.addAndGet(20 * MS);
            lag.tick();
        }
        assertThat(lag.overloaded()).as("980 ms after the late tick").isTrue();
        nanos.addAndGet(20 * MS);
        lag.tick();
        assertThat(lag.overloaded()).as("1,000 ms after the late tick").isFalse();
    }

    @Test
    void aLimitOfZeroNeverSheds() {
        LoopLag lag = new LoopLag(20, 0, 1_000, nanos::get);
        nanos.addAndGet(10_000 * MS);
        lag.tick();
        assertThat(lag.overloaded()).isFalse();
    }
}
