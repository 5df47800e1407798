package dev.metricsgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class AuthFailureThrottleTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final String ATTACKER = "203.0.113.7";
    private static final String BYSTANDER = "198.51.100.1";

    /** 3 failures per 10 s window: small numbers keep the arithmetic visible. */
    private final AuthFailureThrottle throttle = new AuthFailureThrottle(3, 10_000, 100);

    private void fail(String address, long nowMillis, int times) {
        for (int i = 0; i < times; i++) {
            throttle.recordFailure(address, nowMillis);
        }
    }

    @Test
    void anAddressIsFreeUntilItReachesTheLimit() {
        fail(ATTACKER, T0, 2);

        assertThat(throttle.blockedForMillis(ATTACKER, T0)).isZero();
    }

    @Test
    void reachingTheLimitBlocksTheAddressUntilItsWindowEnds() {
        throttle.recordFailure(ATTACKER, T0);
        throttle.recordFailure(ATTACKER, T0 + 4_000);
        throttle.recordFailure(ATTACKER, T0 + 6_000);

        assertThat(throttle.blockedForMillis(ATTACKER, T0 + 6_000)).isEqualTo(4_000);
        assertThat(throttle.blockedForMillis(ATTACKER, T0 + 9_999)).isEqualTo(1);
        assertThat(throttle.blockedForMillis(ATTACKER, T0 + 10_000)).isZero();
    }

    @Test
    void otherAddressesAreUnaffected() {
        fail(ATTACKER, T0, 3);

        assertThat(throttle.blockedForMillis(ATTACKER, T0)).isPositive();
        assertThat(throttle.blockedForMillis(BYSTANDER, T0)).isZero();
        fail(BYSTANDER, T0, 2);
        assertThat(throttle.blockedForMillis(BYSTANDER, T0)).isZero();
    }

    @Test
    void failuresInAnEndedWindowDoNotCountTowardsTheNext() {
        fail(ATTACKER, T0, 2);

        fail(ATTACKER, T0 + 10_000, 2);

        assertThat(throttle.blockedForMillis(ATTACKER, T0 + 10_000)).isZero();
        throttle.recordFailure(ATTACKER, T0 + 12_000);
        assertThat(throttle.blockedForMillis(ATTACKER, T0 + 12_000)).as("the window opened at T0 + 10 s").isEqualTo(8_000);
    }

    @Test
    void failuresWhileBlockedDoNotExtendTheBlock() {
        fail(ATTACKER, T0, 3);

        fail(ATTACKER, T0 + 9_000, 5);

        assertThat(throttle.blockedForMillis(ATTACKER, T0 + 10_000)).isZero();
    }

    @Test
    void theWindowDoesNotSlideWithEachFailure() {
        // A fixed window per address: an attacker spreading guesses gets at most maxFailures per window.
        throttle.recordFailure(ATTACKER, T0);
        throttle.recordFailure(ATTACKER, T0 + 9_000);
        throttle.recordFailure(ATTACKER, T0 + 9_500);

        assertThat(throttle.blockedForMillis(ATTACKER, T0 + 9_500)).isEqualTo(500);
    }

    @Test
    void endedWindowsAreForgotten() {
        fail(ATTACKER, T0, 3);
        fail(BYSTANDER, T0 + 5_000, 1);
        assertThat(throttle.trackedAddresses()).isEqualTo(2);

        assertThat(throttle.blockedForMillis("192.0.2.1", T0 + 10_000)).isZero();
        assertThat(throttle.trackedAddresses()).isEqualTo(1);

        throttle.blockedForMillis("192.0.2.1", T0 + 15_000);
        assertThat(throttle.trackedAddresses()).isZero();
    }

    @Test
    void theTableNeverExceedsItsCapAndForgetsTheOldestWindowFirst() {
        AuthFailureThrottle small = new AuthFailureThrottle(1, 60_000, 3);
        small.recordFailure("a", T0);
        small.recordFailure("b", T0 + 1);
        small.recordFailure("c", T0 + 2);

        small.recordFailure("d", T0 + 3);

        assertThat(small.trackedAddresses()).isEqualTo(3);
        assertThat(small.blockedForMillis("a", T0 + 3)).as("the oldest, forgotten").isZero();
        assertThat(small.blockedForMillis("b", T0 + 3)).isPositive();
        assertThat(small.blockedForMillis("d", T0 + 3)).isPositive();
    }

    @Test
    void aMillionDistinctAddressesKeepTheTableAtItsCap() {
        AuthFailureThrottle capped = new AuthFailureThrottle(20, 60_000, 1_000);
        for (int i = 0; i < 1_000_000; i++) {
            capped.recordFailure("client-" + i, T0 + i / 100);
        }

        assertThat(capped.trackedAddresses()).isEqualTo(1_000);
    }

    @Test
    void invalidSettingsAreRejectedNamingTheValue() {
        assertThatThrownBy(() -> new AuthFailureThrottle(0, 1, 1)).hasMessage("0: maxFailures must be at least 1");
        assertThatThrownBy(() -> new AuthFailureThrottle(1, 0, 1)).hasMessage("0: windowMillis must be at least 1");
        assertThatThrownBy(() -> new AuthFailureThrottle(1, 1, 0)).hasMessage("0: maxTrackedAddresses must be at least 1");
    }

    @Test
    void theDefaultsAreTwentyFailuresPerMinute() {
        AuthFailureThrottle defaults = new AuthFailureThrottle();
        for (int i = 0; i < 19; i++) {
            defaults.recordFailure(ATTACKER, T0 + i);
        }
        assertThat(defaults.blockedForMillis(ATTACKER, T0 + 19)).isZero();

        defaults.recordFailure(ATTACKER, T0 + 19);

        assertThat(defaults.blockedForMillis(ATTACKER, T0 + 19)).isEqualTo(60_000 - 19);
    }

    @Test
    void concurrentFailuresFromManyThreadsAreAllCounted() throws Exception {
        AuthFailureThrottle shared = new AuthFailureThrottle(4_000, 60_000, 100);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 499; i++) {
                        shared.recordFailure(ATTACKER, T0);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }

        // 8 × 499 = 3992 failures: 8 short of the limit, then 8 more reach it exactly.
        assertThat(shared.blockedForMillis(ATTACKER, T0)).isZero();
        fail8(shared);
        assertThat(shared.blockedForMillis(ATTACKER, T0)).isEqualTo(60_000);
    }

    private static void fail8(AuthFailureThrottle shared) {
        for (int i = 0; i < 8; i++) {
            shared.recordFailure(ATTACKER, T0);
        }
    }
}
