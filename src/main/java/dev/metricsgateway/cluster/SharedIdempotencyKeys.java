package dev.metricsgateway.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.metricsgateway.ingest.IdempotencyCache;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's record of the idempotency keys in use, so that a retry the load balancer sends to
 * another member than the first attempt is still recognized. Each member's {@link
 * IdempotencyCache} decides first; a key it would apply is then claimed here, in a Hazelcast map
 * entry per account and key holding the body's digest (put-if-absent, one synchronous backup):
 * the member that claims it applies the batch, any other member answers as its own cache would
 * (a replay of the recorded result, a conflict for another body, or "in progress").
 *
 * <p>An entry being applied expires after {@link #IN_PROGRESS_MILLIS} (a member that dies
 * mid-batch does not block its key for the whole window); a completed one after the idempotency
 * window. Thread-safe; every method blocks on the network, so callers run them on workers.
 */
final class SharedIdempotencyKeys {

    static final String MAP_NAME = "metrics-gateway.idempotency-keys";
    /** How long a claimed key may stay "being applied" before another member may apply it. */
    static final long IN_PROGRESS_MILLIS = 30_000;

    /** The few map operations used, so that tests can run the rules on a plain map. */
    interface KeyMap {
        /** Puts {@code value} for {@code ttlMillis} unless the key is present; returns the present value or null. */
        byte[] putIfAbsent(String key, byte[] value, long ttlMillis);

        void set(String key, byte[] value, long ttlMillis);

        void delete(String key);
    }

    private final KeyMap map;
    private final long windowMillis;

    SharedIdempotencyKeys(KeyMap map, long windowMillis) {
        this.map = map;
        this.windowMillis = windowMillis;
    }

    static KeyMap hazelcast(HazelcastInstance hazelcast) {
        IMap<String, byte[]> map = hazelcast.getMap(MAP_NAME);
        return new KeyMap() {
            @Override
            public byte[] putIfAbsent(String key, byte[] value, long ttlMillis) {
                return map.putIfAbsent(key, value, ttlMillis, TimeUnit.MILLISECONDS);
            }

            @Override
            public void set(String key, byte[] value, long ttlMillis) {
                map.set(key, value, ttlMillis, TimeUnit.MILLISECONDS);
            }

            @Override
            public void delete(String key) {
                map.delete(key);
            }
        };
    }

    /** {@link IdempotencyCache.Apply} when this member now holds the key, else what the holder recorded. */
    IdempotencyCache.Decision claim(String accountId, String key, byte[] bodyDigest) {
        byte[] present = map.putIfAbsent(scoped(accountId, key), encode(false, 0, 0, bodyDigest), IN_PROGRESS_MILLIS);
        if (present == null) {
            return new IdempotencyCache.Apply();
        }
        ByteBuffer entry = ByteBuffer.wrap(present);
        boolean done = entry.get() == 1;
        int accepted = entry.getInt();
        int late = entry.getInt();
        byte[] digest = new byte[entry.remaining()];
        entry.get(digest);
        if (!Arrays.equals(digest, bodyDigest)) {
            return new IdempotencyCache.Conflict();
        }
        return done ? new IdempotencyCache.Replay(accepted, late) : new IdempotencyCache.InProgress();
    }

    /** Records the result of a batch applied under a key this member claimed, for the idempotency window. */
    void complete(String accountId, String key, byte[] bodyDigest, int accepted, int late) {
        map.set(scoped(accountId, key), encode(true, accepted, late, bodyDigest), windowMillis);
    }

    /** Gives up a claimed key whose batch was not applied. */
    void release(String accountId, String key) {
        map.delete(scoped(accountId, key));
    }

    private static byte[] encode(boolean done, int accepted, int late, byte[] bodyDigest) {
        return ByteBuffer.allocate(9 + bodyDigest.length).put((byte) (done ? 1 : 0)).putInt(accepted).putInt(late).put(bodyDigest).array();
    }

    private static String scoped(String accountId, String key) {
        return Objects.requireNonNull(accountId, "accountId") + '\u0000' + Objects.requireNonNull(key, "key");
    }
}
