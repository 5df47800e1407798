package dev.metricsgateway.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** The state table as a plain map, for tests: same semantics as the Hazelcast one, in one JVM. */
final class InMemoryStateTable implements StateTable {

    private final Map<String, byte[]> map = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    @Override
    public Optional<NodeState> get(String nodeName) {
        byte[] bytes = map.get(nodeName);
        return bytes == null ? Optional.empty() : Optional.of(NodeState.decode(bytes));
    }

    @Override
    public Collection<NodeState> all() {
        Collection<NodeState> states = new ArrayList<>();
        map.values().forEach(bytes -> states.add(NodeState.decode(bytes)));
        return states;
    }

    @Override
    public void put(NodeState state) {
        map.put(state.nodeName(), state.encode());
    }

    @Override
    public boolean remove(NodeState expected) {
        byte[] current = map.get(expected.nodeName());
        return current != null && Arrays.equals(current, expected.encode()) && map.remove(expected.nodeName(), current);
    }

    @Override
    public <T> T locked(String nodeName, Supplier<T> action) {
        ReentrantLock lock = locks.computeIfAbsent(nodeName, name -> new ReentrantLock());
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    /** Puts raw bytes back, as a state left behind by a member that died mid-way would be. */
    void putBack(NodeState state) {
        put(state);
    }
}
