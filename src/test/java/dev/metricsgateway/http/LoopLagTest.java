package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The overload rule on a manual nanosecond clock: only a run of consecutive ticks that are late
 * beyond the limit with requests queued sheds, for the hold time after the last of them; a single
 * stall, however long, and lag without a queue of requests never shed.
 */
class LoopLagTest {

    private static final long MS = 1_000_000;
    private static final long PERIOD_MILLIS = 20;
    private static final long LIMIT_MILLIS = 250;
    private static final long HOLD_MILLIS = 100;
    private static final int TICKS = 3;
    private static final int MIN_REQUESTS = 8;
    private static final long REENTRY_MILLIS = 1_000;
    private final AtomicLong nanos = new AtomicLong(1_000 * MS);

    private LoopLag lag() {
        return new LoopLag(PERIOD_MILLIS, LIMIT_MILLIS, HOLD_MILLIS, TICKS, MIN_REQUESTS, REENTRY_MILLIS, nanos::get);
    }

    /** The loop is busy {@code lateMillis} past the tick's due time while {@code requests} arrive, then ticks. */
    /** The run of congested ticks after which the loop sheds. */
    private void congestedRun(LoopLag lag) {
        for (int i = 0; i < TICKS; i++) {
            lateTick(lag, 300, 100);
        }
    }

    private void lateTick(LoopLag lag, long lateMillis, int requests) {
        for (int i = 0; i < requests; i++) {
            lag.requestArrived();
        }
        nanos.addAndGet((PERIOD_MILLIS + lateMillis) * MS);
        lag.tick();
    }

    @Test
    void ticksOnTimeOrLateWithinTheLimitNeverShed() {
        LoopLag lag = lag();
        for (int i = 0; i < 100; i++) {
            lateTick(lag, (i % 2) * 250, 1_000); // every other tick 250 ms late: at the limit, not beyond
            assertThat(lag.overloaded()).as("tick %d, lag %d ms", i, lag.lastLagMillis()).isFalse();
        }
    }

    @Test
    void oneStallShedsNothingHoweverLongAndHoweverManyRequestsQueuedBehindIt() {
        LoopLag lag = lag();
        lateTick(lag, 5_000, 10_000); // a 5 s pause with a queue behind it: one late tick
        assertThat(lag.lastLagMillis()).isEqualTo(5_000);
        assertThat(lag.overloaded()).isFalse();
        lateTick(lag, 0, 10_000); // caught up: the run is over
        lateTick(lag, 5_000, 10_000);
        lateTick(lag, 0, 0);
        assertThat(lag.overloaded()).as("two stalls separated by a tick on time").isFalse();
    }

    @Test
    void lagWithoutAQueueOfRequestsNeverSheds() {
        LoopLag lag = lag();
        for (int i = 0; i < 100; i++) {
            lateTick(lag, 400, MIN_REQUESTS - 1); // e.g. warm-up: each of a few requests is slow
            assertThat(lag.overloaded()).as("tick %d", i).isFalse();
        }
    }

    @Test
    void consecutiveCongestedTicksShedFromTheThirdOn() {
        LoopLag lag = lag();
        lateTick(lag, 251, MIN_REQUESTS);
        assertThat(lag.overloaded()).as("after one congested tick").isFalse();
        lateTick(lag, 300, 100);
        assertThat(lag.overloaded()).as("after two").isFalse();
        lateTick(lag, 260, 50);
        assertThat(lag.lastLagMillis()).isEqualTo(260);
        assertThat(lag.overloaded()).as("after three in a row").isTrue();
        lateTick(lag, 400, 50);
        assertThat(lag.overloaded()).as("every further congested tick of the run").isTrue();
    }

    @Test
    void sheddingLastsTheHoldTimeAfterTheLastCongestedTickThenStops() {
        LoopLag lag = lag();
        congestedRun(lag);
        // Shedding drains the loop: ticks on time again, while the hold after the last congested tick lasts.
        for (int i = 0; i < 4; i++) {
            lateTick(lag, 0, 100);
            assertThat(lag.overloaded()).as("%d ms after the last congested tick", (i + 1) * PERIOD_MILLIS).isTrue();
        }
        lateTick(lag, 0, 100);
        assertThat(lag.overloaded()).as("%d ms after it", HOLD_MILLIS).isFalse();
    }

    @Test
    void withinTheReentryTimeOneCongestedTickShedsAgainAfterItANewRunIsNeeded() {
        LoopLag lag = lag();
        congestedRun(lag);
        for (int i = 0; i < 5; i++) {
            lateTick(lag, 0, 100); // the hold drains the loop
        }
        assertThat(lag.overloaded()).isFalse();
        lateTick(lag, 300, 100); // the queue is back 420 ms after the last shedding tick
        assertThat(lag.overloaded()).as("one congested tick within the re-entry time").isTrue();
        // Quiet for longer than the re-entry time: a new overload needs a whole run again.
        for (int i = 0; i < 60; i++) {
            lateTick(lag, 0, 1);
        }
        lateTick(lag, 300, 100);
        lateTick(lag, 300, 100);
        assertThat(lag.overloaded()).as("two congested ticks well after the re-entry time").isFalse();
        lateTick(lag, 300, 100);
        assertThat(lag.overloaded()).isTrue();
    }

    @Test
    void aLateTickWithoutQueuedRequestsEndsARun() {
        LoopLag lag = lag();
        lateTick(lag, 300, 100);
        lateTick(lag, 300, 100);
        lateTick(lag, 300, 0); // e.g. a GC pause between two busy stretches
        lateTick(lag, 300, 100);
        lateTick(lag, 300, 100);
        assertThat(lag.overloaded()).isFalse();
    }

    @Test
    void requestsCountOnlyTowardsTheTickThatFollowsThem() {
        LoopLag lag = lag();
        for (int i = 0; i < 100; i++) {
            lag.requestArrived();
        }
        nanos.addAndGet(PERIOD_MILLIS * MS);
        lag.tick(); // on time: takes the 100 requests and starts counting anew
        lateTick(lag, 300, 1);
        lateTick(lag, 300, 1);
        lateTick(lag, 300, 1);
        assertThat(lag.overloaded()).isFalse();
    }

    @Test
    void aLimitOfZeroNeverSheds() {
        LoopLag lag = new LoopLag(PERIOD_MILLIS, 0, HOLD_MILLIS, 1, 0, 0, nanos::get);
        assertThat(lag.enabled()).isFalse();
        for (int i = 0; i < 10; i++) {
            lateTick(lag, 10_000, 1_000);
        }
        assertThat(lag.overloaded()).isFalse();
    }

    @Test
    void oneTickAndNoRequestsIsTheSingleStallRuleOfOld() {
        LoopLag lag = new LoopLag(PERIOD_MILLIS, LIMIT_MILLIS, HOLD_MILLIS, 1, 0, 0, nanos::get);
        lateTick(lag, 251, 0);
        assertThat(lag.overloaded()).isTrue();
    }

    @Test
    void refusesARuleThatCannotWork() {
        assertThatThrownBy(() -> new LoopLag(0, LIMIT_MILLIS, HOLD_MILLIS, TICKS, MIN_REQUESTS, REENTRY_MILLIS, nanos::get))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LoopLag(PERIOD_MILLIS, LIMIT_MILLIS, HOLD_MILLIS, TICKS, MIN_REQUESTS, -1, nanos::get))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LoopLag(PERIOD_MILLIS, LIMIT_MILLIS, HOLD_MILLIS, 0, MIN_REQUESTS, REENTRY_MILLIS, nanos::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 ticks");
    }
}
