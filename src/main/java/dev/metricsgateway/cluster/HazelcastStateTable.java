package dev.metricsgateway.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The published states in a Hazelcast {@link IMap} of encoded {@link NodeState}s (one synchronous
 * backup, Hazelcast's default, so a state survives the death of the member holding it).
 * Thread-safe; every method blocks on the network.
 */
final class HazelcastStateTable implements StateTable {

    static final String MAP_NAME = "metrics-gateway.states";

    private final IMap<String, byte[]> map;

    HazelcastStateTable(HazelcastInstance hazelcast) {
        this.map = hazelcast.getMap(MAP_NAME);
    }

    @Override
    public Optional<NodeState> get(String nodeName) {
        byte[] bytes = map.get(nodeName);
        return bytes == null ? Optional.empty() : Optional.of(NodeState.decode(bytes));
    }

    @Override
    public Collection<NodeState> all() {
        List<NodeState> states = new ArrayList<>();
        map.values().forEach(bytes -> states.add(NodeState.decode(bytes)));
        return states;
    }

    @Override
    public void put(NodeState state) {
        map.set(state.nodeName(), state.encode());
    }

    @Override
    public boolean remove(NodeState expected) {
        return map.remove(expected.nodeName(), expected.encode());
    }

    @Override
    public <T> T locked(String nodeName, Supplier<T> action) {
        map.lock(nodeName);
        try {
            return action.get();
        } finally {
            map.unlock(nodeName);
        }
    }
}
