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
}
