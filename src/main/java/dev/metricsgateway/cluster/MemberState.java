package dev.metricsgateway.cluster;

import dev.metricsgateway.core.AggregationEngine;
import java.lang.System.Logger.Level;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One member's side of the cluster state: publishing its engine, resuming its own departed state
 * when it rejoins, and absorbing the states of members that left.
 *
 * <p><b>Never backwards.</b> Every state a member answers a scrape with is published first
 * ({@link #publish()} puts it in the {@link StateTable}, synchronously backed up, before it
 * returns), and publications of one member are serialized, so the table always holds, for every
 * incarnation, at least what any scrape has counted of it. When a member dies, scrapes merge its
 * last published state; the oldest member then absorbs that state into its own engine (merge,
 * publish with the departed incarnation in its {@code absorbed} list, then remove the departed
 * entry, all under the entry's cluster-wide lock), so the departed counts live on in a live
 * engine, and its series stay alive as long as the same series is busy elsewhere. Any state
 * naming an incarnation in its {@code absorbed} list makes every other copy of that incarnation
 * count for nothing ({@link GlobalView#select}): nothing is counted twice while an absorption is
 * under way.
 *
 * <p><b>Idle copies.</b> A member's copy of a series can be idle for longer than the series TTL
 * while the series is busy on other members. If the copy then expired, its {@code _count}/{@code
 * _sum} would leave the merged series and the served totals would drop. So a member's engine
 * never expires a copy by itself ({@link AggregationEngine#keepIdleSeries}): {@link
 * #evictIdleEverywhere} evicts a copy only once the series has been idle on every member for
 * the TTL, when one gateway fed every event would have ended it too.
 *
 * <p><b>Rejoining.</b> A restarted member has a new incarnation. If its previous incarnation's
 * state is still in the table and not absorbed, it resumes it (that state is at least what was
 * served; its own checkpoint may be older). If the cluster has absorbed it, the member starts
 * empty: its counts live on in the absorber. Only when the cluster knows nothing of what its
 * checkpoint holds (a whole-cluster restart) does it restore its checkpoint.
 *
 * <p><b>Threading.</b> Thread-safe: publishing, absorbing and joining take {@code publishing},
 * so the table sees one member's states in order; table calls block, so callers run these
 * methods on worker threads.
 */
final class MemberState {

    private static final System.Logger LOG = System.getLogger(MemberState.class.getName());

    /** How a member's engine was filled when it joined. */
    enum Start {
        /** From the data dir's checkpoint: the cluster held nothing of it. */
        CHECKPOINT,
        /** From its previous incarnation's published state, still in the cluster. */
        RESUMED,
        /** Empty: the cluster already holds what its checkpoint holds. */
        EMPTY
    }

    /**
     * How much earlier than its publication an event may be stamped and still be applied after
     * the state was copied (the stamp is taken when the request arrives).
     */
    static final long APPLY_SLACK_MILLIS = 5_000;

    private final String nodeName;
    private final String incarnation;
    private final AggregationEngine engine;
    private final StateTable table;
    private final InstantSource clock;
    /** How long an absorbed incarnation is remembered: after the series TTL nothing of it can come back. */
    private final long absorbedMemoryMillis;
    /** Saves what the data dir's checkpoint may hold (see {@link MemberFile}); before the engine changes. */
    private final Consumer<MemberFile.Content> recordCoverage;
    private final Map<String, Long> absorbed = new ConcurrentHashMap<>();
    /** What the data dir's checkpoint may still hold from before this run, when this run started empty. */
    private final Set<String> inheritedCoverage = ConcurrentHashMap.newKeySet();
    private final Object publishing = new Object();
    /** Empty engines of the same catalog and window, to merge the other members' states into. */
    private final Supplier<AggregationEngine> scratch;

    MemberState(String nodeName, String incarnation, AggregationEngine engine, StateTable table, InstantSource clock,
            long absorbedMemoryMillis, Consumer<MemberFile.Content> recordCoverage, Supplier<AggregationEngine> scratch) {
        this.nodeName = nodeName;
        this.incarnation = incarnation;
        this.engine = engine;
        this.table = table;
        this.clock = clock;
        this.absorbedMemoryMillis = absorbedMemoryMillis;
        this.recordCoverage = recordCoverage;
        this.scratch = scratch;
        // Its copy of a series may idle here while the series is busy elsewhere: see evictIdleEverywhere.
        engine.keepIdleSeries();
    }

    String nodeName() {
        return nodeName;
    }

    String incarnation() {
        return incarnation;
    }

    /**
     * Fills the fresh engine as the cluster's state allows (see the class comment) and publishes
     * it, before this member serves anything.
     *
     * @param previous        what this data dir's checkpoint may hold, if a member wrote it before
     * @param live            the incarnations in the cluster now
     * @param restoreCheckpoint restores the data dir's checkpoint into the engine
     * @throws IllegalStateException when a live member already publishes under this node name
     */
    Start join(Optional<MemberFile.Content> previous, Set<String> live, Runnable restoreCheckpoint) {
        return table.locked(nodeName, () -> {
            synchronized (publishing) {
                Collection<NodeState> states = table.all();
                Set<String> accounted = absorbedByAny(states);
                Optional<NodeState> mine = table.get(nodeName);
                if (mine.isPresent() && live.contains(mine.get().incarnation()) && !mine.get().incarnation().equals(incarnation)) {
                    throw new IllegalStateException("another live member (" + mine.get().incarnation() + ") is named " + nodeName
                            + ": give every member its own cluster_node_name");
                }
                Start start;
                long now = clock.millis();
                if (mine.isPresent() && !accounted.contains(mine.get().incarnation())) {
                    NodeState resumed = mine.get();
                    absorbed.putAll(resumed.absorbed());
                    absorbed.put(resumed.incarnation(), now);
                    recordCoverage.accept(coverage());
                    Checkpoints.mergeInto(engine, resumed.checkpoint());
                    start = Start.RESUMED;
                } else if (mine.isPresent() || previous.map(p -> overlaps(p.covered(), accounted, states)).orElse(false)) {
                    // The data dir's checkpoint still holds the previous run's state until this run
                    // checkpoints: the file keeps naming it, so a crash before then cannot make it count.
                    previous.ifPresent(p -> inheritedCoverage.addAll(p.covered()));
                    start = Start.EMPTY;
                } else {
                    previous.ifPresent(p -> p.covered().forEach(covered -> absorbed.put(covered, now)));
                    recordCoverage.accept(coverage());
                    restoreCheckpoint.run();
                    start = Start.CHECKPOINT;
                }
                recordCoverage.accept(coverage());
                publishLocked();
                return start;
            }
        });
    }

    /** Whether any of {@code covered} is already counted by the cluster (absorbed by, or published as, a state). */
    private static boolean overlaps(Set<String> covered, Set<String> accounted, Collection<NodeState> states) {
        for (NodeState state : states) {
            if (covered.contains(state.incarnation())) {
                return true;
            }
        }
        for (String incarnation : covered) {
            if (accounted.contains(incarnation)) {
                return true;
            }
        }
        return false;
    }

    /** Publishes this member's current state and returns it; what a scrape is answered with. */
    NodeState publish() {
        synchronized (publishing) {
            return publishLocked();
        }
    }

    private NodeState publishLocked() {
        long now = clock.millis();
        absorbed.values().removeIf(at -> now - at > absorbedMemoryMillis);
        NodeState state = new NodeState(nodeName, incarnation, now, Map.copyOf(absorbed), Checkpoints.write(engine, now));
        table.put(state);
        return state;
    }

    /**
     * Absorbs the published state of every departed incarnation nobody has absorbed yet, and
     * removes departed entries that are already accounted for. Called by the oldest member only.
     *
     * @param live the incarnations in the cluster now
     * @return the states absorbed
     */
    List<NodeState> absorbDeparted(Set<String> live) {
        List<NodeState> absorbedNow = new ArrayList<>();
        for (NodeState departed : table.all()) {
            if (live.contains(departed.incarnation()) || departed.incarnation().equals(incarnation)) {
                continue;
            }
            table.locked(departed.nodeName(), () -> {
                Optional<NodeState> current = table.get(departed.nodeName());
                if (current.isEmpty() || live.contains(current.get().incarnation()) || current.get().incarnation().equals(incarnation)) {
                    return null; // gone, or its member came back meanwhile
                }
                NodeState state = current.get();
                synchronized (publishing) {
                    Set<String> accounted = absorbedByAny(table.all());
                    accounted.addAll(absorbed.keySet());
                    if (!accounted.contains(state.incarnation())) {
                        long now = clock.millis();
                        absorbed.putAll(state.absorbed());
                        absorbed.put(state.incarnation(), now);
                        recordCoverage.accept(coverage());
                        Checkpoints.mergeInto(engine, state.checkpoint());
                        publishLocked();
                        absorbedNow.add(state);
                        LOG.log(Level.INFO, "absorbed the state of departed member " + state.nodeName() + " (" + state.incarnation()
                                + "), published at " + state.publishedAtMillis());
                    }
                }
                table.remove(state);
                return null;
            });
        }
        return absorbedNow;
    }

    /**
     * Evicts this member's copies of the series that have been idle everywhere for the series
     * TTL, and only those (see the class comment). Every other member's state is read from the
     * table; a state published at {@code p} holds every event that arrived there before {@code
     * p}, so an event nobody has published yet arrived after the oldest publication. A series
     * whose latest known event, here and in every state, is at least the TTL before that
     * publication would have expired on one gateway before any such event: its copy goes.
     *
     * @return the number of series evicted; none when a state cannot be read
     */
    long evictIdleEverywhere() {
        long knownSinceMillis = clock.millis(); // before reading the table: a member that joins later gets events after it
        AggregationEngine others = scratch.get();
        for (NodeState state : GlobalView.select(table.all(), List.of())) {
            if (state.nodeName().equals(nodeName)) {
                continue; // this engine is its own, current state
            }
            try {
                Checkpoints.mergeInto(others, state.checkpoint());
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "no series evicted this time: cannot read " + state + ": " + e.getMessage());
                return 0;
            }
            knownSinceMillis = Math.min(knownSinceMillis, state.publishedAtMillis());
        }
        long cutoffMillis = knownSinceMillis - APPLY_SLACK_MILLIS - engine.settings().seriesTtlMillis();
        return engine.evictIdleSince(cutoffMillis, others);
    }

    private MemberFile.Content coverage() {
        Set<String> covered = new HashSet<>(absorbed.keySet());
        covered.addAll(inheritedCoverage);
        covered.remove(incarnation);
        return new MemberFile.Content(incarnation, covered);
    }

    /** Every incarnation some state says it has absorbed. */
    static Set<String> absorbedByAny(Collection<NodeState> states) {
        Set<String> accounted = new HashSet<>();
        states.forEach(state -> accounted.addAll(state.absorbed().keySet()));
        return accounted;
    }
}
