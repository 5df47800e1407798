package dev.metricsgateway.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One cluster-wide value with compare-and-set: where the service-account store is replicated.
 * Thread-safe; the Hazelcast form blocks on the network.
 */
interface SharedBytes {

    /** The current value, or null. */
    byte[] get();

    /** Sets {@code next} if the value is still {@code expected} (null: absent). */
    boolean compareAndSet(byte[] expected, byte[] next);

    /** An entry of a Hazelcast map (compared by content, as Hazelcast compares serialized values). */
    static SharedBytes hazelcast(HazelcastInstance hazelcast, String mapName, String key) {
        IMap<String, byte[]> map = hazelcast.getMap(mapName);
        return new SharedBytes() {
            @Override
            public byte[] get() {
                return map.get(key);
            }

            @Override
            public boolean compareAndSet(byte[] expected, byte[] next) {
                return expected == null ? map.putIfAbsent(key, next) == null : map.replace(key, expected, next);
            }
        };
    }

    /** In one JVM: for tests. */
    static SharedBytes inMemory() {
        AtomicReference<byte[]> value = new AtomicReference<>();
        return new SharedBytes() {
            @Override
            public byte[] get() {
                return value.get();
            }

            @Override
            public synchronized boolean compareAndSet(byte[] expected, byte[] next) {
                byte[] current = value.get();
                if (expected == null ? current != null : !Arrays.equals(current, expected)) {
                    return false;
                }
                value.set(next);
                return true;
            }
        };
    }
}
