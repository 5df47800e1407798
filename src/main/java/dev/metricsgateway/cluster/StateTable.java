package dev.metricsgateway.cluster;

import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where members publish their {@link NodeState}, keyed by node name: a Hazelcast map in a
 * cluster ({@link HazelcastStateTable}), a plain map in unit tests. Implementations are
 * thread-safe; their methods may block (network), so callers run them off the event loops.
 */
interface StateTable {

    Optional<NodeState> get(String nodeName);

    /** Every published state. */
    Collection<NodeState> all();

    /** Publishes {@code state} under its node name, replacing what was there; durable once it returns. */
    void put(NodeState state);

    /** Removes {@code expected}'s node name only if it still holds exactly {@code expected}. */
    boolean remove(NodeState expected);

    /**
     * Runs {@code action} holding the cluster-wide lock of {@code nodeName}'s entry: absorbing a
     * departed state and a restarted member resuming it exclude each other.
     */
    <T> T locked(String nodeName, Supplier<T> action);
}
