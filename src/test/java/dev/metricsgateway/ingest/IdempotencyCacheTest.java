package dev.metricsgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdempotencyCacheTest {

    private static final long WINDOW = 600_000;
    private static final byte[] BODY = {1, 2, 3};
    private static final byte[] OTHER_BODY = {9};

    private final IdempotencyCache cache = new IdempotencyCache(WINDOW, 3);

    @Test
    void aNewKeyIsApplied() {
        assertThat(cache.begin("acct", "k", BODY, 0)).isInstanceOf(IdempotencyCache.Apply.class);
    }

    @Test
    void aCompletedKeyReplaysItsResult() {
        cache.begin("acct", "k", BODY, 0);
        cache.complete("acct", "k", 7, 2);
        assertThat(cache.begin("acct", "k", BODY, 1_000)).isEqualTo(new IdempotencyCache.Replay(7, 2));
    }

    @Test
    void theSameKeyWithAnotherBodyIsAConflict() {
        cache.begin("acct", "k", BODY, 0);
        cache.complete("acct", "k", 1, 0);
        assertThat(cache.begin("acct", "k", OTHER_BODY, 1)).isInstanceOf(IdempotencyCache.Conflict.class);
    }

    @Test
    void aKeyBeingAppliedIsInProgress() {
        cache.begin("acct", "k", BODY, 0);
        assertThat(cache.begin("acct", "k", BODY, 1)).isInstanceOf(IdempotencyCache.InProgress.class);
    }

    @Test
    void anAbandonedKeyMayBeUsedAgain() {
        cache.begin("acct", "k", BODY, 0);
        cache.abandon("acct", "k");
        assertThat(cache.begin("acct", "k", OTHER_BODY, 1)).isInstanceOf(IdempotencyCache.Apply.class);
    }

    @Test
    void keysExpireAfterTheWindow() {
        cache.begin("acct", "k", BODY, 0);
        cache.complete("acct", "k", 1, 0);
        assertThat(cache.begin("acct", "k", BODY, WINDOW - 1)).isInstanceOf(IdempotencyCache.Replay.class);
        assertThat(cache.begin("acct", "k", BODY, WINDOW)).isInstanceOf(IdempotencyCache.Apply.class);
    }

    @Test
    void keysAreScopedToTheAccount() {
        cache.begin("a", "k", BODY, 0);
        cache.complete("a", "k", 1, 0);
        assertThat(cache.begin("b", "k", BODY, 1)).isInstanceOf(IdempotencyCache.Apply.class);
    }

    @Test
    void theOldestKeyIsForgottenBeyondTheLimit() {
        for (String key : new String[] {"k1", "k2", "k3", "k4"}) {
            cache.begin("acct", key, BODY, 0);
            cache.complete("acct", key, 1, 0);
        }
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.begin("acct", "k1", BODY, 1)).isInstanceOf(IdempotencyCache.Apply.class);
        assertThat(cache.begin("acct", "k4", BODY, 1)).isInstanceOf(IdempotencyCache.Replay.class);
    }

    // Across a restart: snapshot and restore

    private IdempotencyCache restarted(byte[] snapshot, long nowMillis) {
        IdempotencyCache after = new IdempotencyCache(WINDOW, 3);
        after.restore(snapshot, nowMillis);
        return after;
    }

    @Test
    void aKeyAppliedBeforeASnapshotReplaysItsResultAfterARestore() {
        cache.begin("acct", "k", BODY, 0);
        cache.complete("acct", "k", 7, 2);

        IdempotencyCache after = restarted(cache.snapshot(1_000), 2_000);

        assertThat(after.begin("acct", "k", BODY, 3_000)).isEqualTo(new IdempotencyCache.Replay(7, 2));
        assertThat(after.begin("acct", "k", OTHER_BODY, 3_000)).isInstanceOf(IdempotencyCache.Conflict.class);
        assertThat(after.begin("other-acct", "k", BODY, 3_000)).isInstanceOf(IdempotencyCache.Apply.class);
    }

    @Test
    void aKeyStillBeingAppliedIsNotInTheSnapshot() {
        cache.begin("acct", "k", BODY, 0);

        IdempotencyCache after = restarted(cache.snapshot(1_000), 2_000);

        assertThat(after.size()).isZero();
        assertThat(after.begin("acct", "k", BODY, 3_000)).isInstanceOf(IdempotencyCache.Apply.class);
    }

    @Test
    void aKeyExpiredByTheRestoreTimeIsLeftOutAndAppliedAgain() {
        cache.begin("acct", "k", BODY, 0);
        cache.complete("acct", "k", 1, 0);
        byte[] snapshot = cache.snapshot(WINDOW - 1);

        assertThat(restarted(snapshot, WINDOW - 1).size()).isEqualTo(1);
        IdempotencyCache late = restarted(snapshot, WINDOW);
        assertThat(late.size()).isZero();
        assertThat(late.begin("acct", "k", BODY, WINDOW)).isInstanceOf(IdempotencyCache.Apply.class);
    }

    @Test
    void aKeyExpiredAtSnapshotTimeIsNotWritten() {
        cache.begin("acct", "k", BODY, 0);
        cache.complete("acct", "k", 1, 0);

        assertThat(restarted(cache.snapshot(WINDOW), 0).size()).isZero();
    }

    @Test
    void aRestoreKeepsTheNewestKeysWithinTheSizeLimit() {
        IdempotencyCache big = new IdempotencyCache(WINDOW, 10);
        for (int i = 0; i < 5; i++) {
            big.begin("acct", "k" + i, BODY, i);
            big.complete("acct", "k" + i, i, 0);
        }

        IdempotencyCache after = restarted(big.snapshot(10), 10);

        assertThat(after.size()).isEqualTo(3);
        assertThat(after.begin("acct", "k4", BODY, 20)).isEqualTo(new IdempotencyCache.Replay(4, 0));
        assertThat(after.begin("acct", "k0", BODY, 20)).isInstanceOf(IdempotencyCache.Apply.class);
    }

    @Test
    void aDamagedSnapshotIsRefusedAndChangesNothing() {
        cache.begin("acct", "k", BODY, 0);
        cache.complete("acct", "k", 1, 0);
        byte[] snapshot = cache.snapshot(0);
        IdempotencyCache after = new IdempotencyCache(WINDOW, 3);

        for (byte[] damaged : new byte[][] {java.util.Arrays.copyOf(snapshot, snapshot.length - 1), new byte[] {9}, new byte[0]}) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> after.restore(damaged, 0)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(after.size()).isZero();
    }
}
