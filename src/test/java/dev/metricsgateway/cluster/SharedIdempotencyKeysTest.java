package dev.metricsgateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.ingest.IdempotencyCache;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster's idempotency key rules, on a plain map standing in for the Hazelcast map. */
class SharedIdempotencyKeysTest {

    private static final long WINDOW_MILLIS = 600_000;
    private static final byte[] BODY = {1, 2, 3};
    private static final byte[] OTHER_BODY = {4, 5, 6};

    /** Values and the TTL each was put with. */
    private final Map<String, byte[]> values = new HashMap<>();
    private final Map<String, Long> ttls = new HashMap<>();
    private final SharedIdempotencyKeys keys = new SharedIdempotencyKeys(new SharedIdempotencyKeys.KeyMap() {
        @Override
        public byte[] putIfAbsent(String key, byte[] value, long ttlMillis) {
            byte[] present = values.get(key);
            if (present == null) {
                set(key, value, ttlMillis);
            }
            return present;
        }

        @Override
        public void set(String key, byte[] value, long ttlMillis) {
            values.put(key, value.clone());
            ttls.put(key, ttlMillis);
        }

        @Override
        public void delete(String key) {
            values.remove(key);
            ttls.remove(key);
        }
    }, WINDOW_MILLIS);

    @Test
    void theFirstClaimAppliesAndEveryOtherMemberSeesItInProgressThenReplaysItsResult() {
        assertThat(keys.claim("acct", "batch-1", BODY)).isInstanceOf(IdempotencyCache.Apply.class);
        assertThat(ttls).containsValue(SharedIdempotencyKeys.IN_PROGRESS_MILLIS);
        assertThat(keys.claim("acct", "batch-1", BODY)).isInstanceOf(IdempotencyCache.InProgress.class);

        keys.complete("acct", "batch-1", BODY, 7, 2);

        assertThat(keys.claim("acct", "batch-1", BODY)).isEqualTo(new IdempotencyCache.Replay(7, 2));
        assertThat(ttls).containsValue(WINDOW_MILLIS).doesNotContainValue(SharedIdempotencyKeys.IN_PROGRESS_MILLIS);
    }

    @Test
    void theSameKeyWithAnotherBodyConflictsWhileKeysOfOtherAccountsAreTheirOwn() {
        keys.claim("acct", "batch-1", BODY);
        assertThat(keys.claim("acct", "batch-1", OTHER_BODY)).isInstanceOf(IdempotencyCache.Conflict.class);
        keys.complete("acct", "batch-1", BODY, 3, 0);
        assertThat(keys.claim("acct", "batch-1", OTHER_BODY)).isInstanceOf(IdempotencyCache.Conflict.class);

        assertThat(keys.claim("other", "batch-1", OTHER_BODY)).isInstanceOf(IdempotencyCache.Apply.class);
    }

    @Test
    void aReleasedKeyMayBeAppliedAgain() {
        keys.claim("acct", "batch-1", BODY);

        keys.release("acct", "batch-1");

        assertThat(keys.claim("acct", "batch-1", OTHER_BODY)).isInstanceOf(IdempotencyCache.Apply.class);
    }
}
