package dev.metricsgateway.cluster;

import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.GatewaySnapshot;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The global view a scrape serves: the states of every member merged into a scratch engine.
 * Stateless; the merge is CPU work (decode and merge every member's checkpoint), run on a
 * worker thread.
 */
final class GlobalView {

    private static final System.Logger LOG = System.getLogger(GlobalView.class.getName());

    private GlobalView() {
    }

    /**
     * The states one scrape merges: per node name, the state a member just answered with, else the
     * one it last published; minus every state of an incarnation that some other state (answered
     * or published) has absorbed, whose events that state already holds.
     *
     * @param published every state in the table when the scrape began
     * @param answered  the states members answered this scrape with
     */
    static List<NodeState> select(Collection<NodeState> published, Collection<NodeState> answered) {
        Map<String, NodeState> byName = new LinkedHashMap<>();
        published.forEach(state -> byName.put(state.nodeName(), state));
        answered.forEach(state -> byName.merge(state.nodeName(), state,
                (old, fresh) -> fresh.publishedAtMillis() >= old.publishedAtMillis() || !fresh.incarnation().equals(old.incarnation()) ? fresh : old));
        List<NodeState> all = new ArrayList<>(published);
        all.addAll(answered);
        Set<String> accounted = MemberState.absorbedByAny(all);
        List<NodeState> selected = new ArrayList<>();
        for (NodeState state : byName.values()) {
            if (!accounted.contains(state.incarnation())) {
                selected.add(state);
            }
        }
        return selected;
    }

    /**
     * Merges {@code states} into a fresh engine from {@code scratch} and snapshots it at
     * {@code nowMillis}. A state that cannot be decoded is left out and logged: one damaged state
     * must not break every scrape.
     */
    static GatewaySnapshot merge(Supplier<AggregationEngine> scratch, List<NodeState> states, long nowMillis) {
        AggregationEngine engine = scratch.get();
        for (NodeState state : states) {
            try {
                Checkpoints.mergeInto(engine, state.checkpoint());
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "left out of this scrape: " + state + ": " + e.getMessage());
            }
        }
        return engine.snapshot(nowMillis);
    }
}
