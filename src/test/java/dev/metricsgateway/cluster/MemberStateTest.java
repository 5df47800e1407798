package dev.metricsgateway.cluster;

import static dev.metricsgateway.testing.SnapshotAssertions.assertSameSnapshots;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.metricsgateway.catalog.Catalog;
import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.core.WindowSettings;
import dev.metricsgateway.testing.ManualClock;
import dev.metricsgateway.testing.TestEvents;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The cluster's state rules, with an in-memory table and a manual clock: the global view equals
 * one gateway fed the same events (the oracle), members that die are served from their last
 * publication and then absorbed without counting twice, and restarted members neither lose nor
 * double what the cluster holds of them.
 */
class MemberStateTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final Catalog CATALOG = CatalogLoader.loadDefault();
    private static final WindowSettings SETTINGS = WindowSettings.defaults();
    private static final List<String> FS_1 = List.of("fs-1", "svc");

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryStateTable table = new InMemoryStateTable();
    private final AggregationEngine oracle = engine();
    private final Set<String> live = new HashSet<>();
    private final Random random = new Random(42);

    /** One member: its engine, its state and what its data dir's member file says. */
    private final class Node {
        final AggregationEngine engine = engine();
        final MemberState state;
        MemberFile.Content file;

        Node(String name, String incarnation) {
            state = new MemberState(name, incarnation, engine, table, clock, SETTINGS.seriesTtlMillis(), content -> file = content,
                    MemberStateTest::engine);
            live.add(incarnation);
        }

        MemberState.Start join(Optional<MemberFile.Content> previous, Runnable restoreCheckpoint) {
            return state.join(previous, Set.copyOf(live), restoreCheckpoint);
        }

        /** {@code n} random events that the oracle sees too. */
        void feed(int n) {
            for (int i = 0; i < n; i++) {
                long seed = random.nextLong();
                long time = clock.millis() - random.nextInt(5_000);
                engine.apply(List.of(TestEvents.random(engine.schemas(), new Random(seed), time)), clock.millis());
                oracle.apply(List.of(TestEvents.random(oracle.schemas(), new Random(seed), time)), clock.millis());
            }
        }

        void die() {
            live.remove(state.incarnation());
        }
    }

    private static AggregationEngine engine() {
        return new AggregationEngine(CATALOG, SETTINGS);
    }

    private static final Runnable NO_CHECKPOINT = () -> {
        throw new AssertionError("the data dir's checkpoint must not be restored here");
    };

    private Node started(String name, String incarnation) {
        Node node = new Node(name, incarnation);
        node.join(Optional.empty(), () -> { });
        return node;
    }

    /** A scrape served by {@code scraper}: its state and the answers of {@code answering}, merged with the table. */
    private GatewaySnapshot scrape(Node scraper, Node... answering) {
        List<NodeState> answered = new ArrayList<>();
        answered.add(scraper.state.publish());
        for (Node node : answering) {
            answered.add(node.state.publish());
        }
        return GlobalView.merge(MemberStateTest::engine, GlobalView.select(table.all(), answered), clock.millis());
    }

    @Test
    void eventsSpreadOverThreeMembersMergeToWhatOneGatewayServes() {
        Node a = started("a", "a1");
        Node b = started("b", "b1");
        Node c = started("c", "c1");
        for (int round = 0; round < 20; round++) {
            a.feed(50);
            b.feed(30);
            c.feed(70);
            clock.advanceMillis(7_000);
        }

        assertSameSnapshots(scrape(a, b, c), oracle.snapshot(clock.millis()));
        assertSameSnapshots(scrape(b, a, c), oracle.snapshot(clock.millis()));
        assertSameSnapshots(scrape(c, a, b), oracle.snapshot(clock.millis()));
    }

    @Test
    void aMemberThatDoesNotAnswerIsServedFromItsLastPublication() {
        Node a = started("a", "a1");
        Node b = started("b", "b1");
        a.feed(100);
        b.feed(100);
        b.state.publish();
        GatewaySnapshot published = oracle.snapshot(clock.millis());
        AggregationEngine unpublished = b.engine; // events b takes now reach the table only with its next publication
        unpublished.apply(List.of(ClusterEvents.request(unpublished, clock.millis(), 0.5)), clock.millis());

        assertSameSnapshots(scrape(a), published);
    }

    @Test
    void aDepartedMembersStateIsServedThenAbsorbedWithoutCountingTwiceOrGoingBack() {
        Node a = started("a", "a1");
        Node b = started("b", "b1");
        Node c = started("c", "c1");
        a.feed(200);
        b.feed(200);
        c.feed(200);
        long before = ClusterEvents.count(scrape(a, b, c), "feature_service_latency", FS_1);
        b.die();
        clock.advanceMillis(3_000);

        assertSameSnapshots(scrape(a, c), oracle.snapshot(clock.millis()));
        assertThat(a.state.absorbDeparted(Set.copyOf(live))).extracting(NodeState::incarnation).containsExactly("b1");
        assertThat(table.get("b")).isEmpty();
        assertSameSnapshots(scrape(a, c), oracle.snapshot(clock.millis()));
        assertSameSnapshots(scrape(c, a), oracle.snapshot(clock.millis()));
        assertThat(ClusterEvents.count(scrape(c, a), "feature_service_latency", FS_1)).isEqualTo(before).isPositive();
    }

    @Test
    void aStateLeftBehindByAnAbsorberThatDiedMidWayIsNotCountedTwice() {
        Node a = started("a", "a1");
        Node b = started("b", "b1");
        a.feed(100);
        b.feed(100);
        NodeState lastOfB = b.state.publish();
        b.die();
        a.state.absorbDeparted(Set.copyOf(live));
        // a published its state holding b's, then died before it removed b's entry:
        table.putBack(lastOfB);

        assertSameSnapshots(scrape(a), oracle.snapshot(clock.millis()));
    }

    @Test
    void aRestartedMemberResumesItsUnabsorbedStateInsteadOfItsCheckpoint() {
        Node a = started("a", "a1");
        Node b = started("b", "b1");
        a.feed(100);
        b.feed(100);
        b.state.publish();
        b.die();

        Node restarted = new Node("b", "b2");
        assertThat(restarted.join(Optional.of(b.file), NO_CHECKPOINT)).isEqualTo(MemberState.Start.RESUMED);
        restarted.feed(50);

        assertSameSnapshots(scrape(a, restarted), oracle.snapshot(clock.millis()));
        // even if a absorbs now: b1 is accounted for by b2
        assertThat(a.state.absorbDeparted(Set.copyOf(live))).isEmpty();
        assertSameSnapshots(scrape(restarted, a), oracle.snapshot(clock.millis()));
        assertThat(restarted.file.absorbed()).contains("b1");
    }

    @Test
    void aRestartedMemberWhoseStateWasAbsorbedStartsEmpty() {
        Node a = started("a", "a1");
        Node b = started("b", "b1");
        a.feed(100);
        b.feed(100);
        b.state.publish();
        b.die();
        a.state.absorbDeparted(Set.copyOf(live));

        Node restarted = new Node("b", "b2");
        assertThat(restarted.join(Optional.of(b.file), NO_CHECKPOINT)).isEqualTo(MemberState.Start.EMPTY);
        assertThat(restarted.file.covered()).as("the checkpoint on disk is still b1's until b2 writes one").contains("b1", "b2");
        restarted.feed(10);

        assertSameSnapshots(scrape(restarted, a), oracle.snapshot(clock.millis()));
    }

    @Test
    void aMemberOfAClusterThatHoldsNothingOfItRestoresItsCheckpoint() {
        Node a = new Node("a", "a2");
        AtomicInteger restored = new AtomicInteger();

        MemberState.Start start = a.join(Optional.of(new MemberFile.Content("a1", Set.of())), restored::incrementAndGet);

        assertThat(start).isEqualTo(MemberState.Start.CHECKPOINT);
        assertThat(restored).hasValue(1);
        assertThat(table.get("a")).get().extracting(NodeState::absorbed).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsKey("a1");
    }

    @Test
    void afterAWholeClusterRestartACheckpointHoldingAnotherMembersRestoredStateIsNotRestoredTwice() {
        // Before the restart, a had absorbed b1: a's checkpoint holds a1 and b1, b's holds b1.
        Node b = new Node("b", "b2");
        assertThat(b.join(Optional.of(new MemberFile.Content("b1", Set.of())), () -> { })).isEqualTo(MemberState.Start.CHECKPOINT);

        Node a = new Node("a", "a2");
        assertThat(a.join(Optional.of(new MemberFile.Content("a1", Set.of("b1"))), NO_CHECKPOINT)).isEqualTo(MemberState.Start.EMPTY);
    }

    @Test
    void aSecondLiveMemberWithTheSameNameIsRefused() {
        started("a", "a1");
        Node twin = new Node("a", "a9");

        assertThatThrownBy(() -> twin.join(Optional.empty(), () -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is named a").hasMessageContaining("cluster_node_name");
    }

    @Test
    void aSeriesIdleOnOneMemberButBusyOnAnotherKeepsEveryMembersCount() {
        Node a = started("a", "a1");
        Node b = started("b", "b1");
        b.engine.apply(List.of(ClusterEvents.request(b.engine, clock.millis(), 0.25)), clock.millis());
        oracle.apply(List.of(ClusterEvents.request(oracle, clock.millis(), 0.25)), clock.millis());
        // fs-1 stays busy on a for longer than the series TTL (600 s) after b's only event
        for (int i = 0; i < 10; i++) {
            clock.advanceMillis(100_000);
            a.engine.apply(List.of(ClusterEvents.request(a.engine, clock.millis(), 0.5)), clock.millis());
            oracle.apply(List.of(ClusterEvents.request(oracle, clock.millis(), 0.5)), clock.millis());
        }

        GatewaySnapshot global = scrape(a, b);
        assertThat(ClusterEvents.count(global, "feature_service_latency", FS_1)).isEqualTo(11);
        assertSameSnapshots(global, oracle.snapshot(clock.millis()));
    }

    @Test
    void aSeriesIdleOnEveryMemberPastTheTtlLeavesTheGlobalViewAsItWouldLeaveOneGateway() {
        Node a = started("a", "a1");
        Node b = started("b", "b1");
        a.engine.apply(List.of(ClusterEvents.request(a.engine, clock.millis(), 0.25)), clock.millis());
        b.engine.apply(List.of(ClusterEvents.request(b.engine, clock.millis(), 0.25)), clock.millis());
        assertThat(ClusterEvents.count(scrape(a, b), "feature_service_latency", FS_1)).isEqualTo(2);

        clock.advanceMillis(SETTINGS.seriesTtlMillis());

        assertThat(ClusterEvents.count(scrape(a, b), "feature_service_latency", FS_1)).isEqualTo(-1);
    }

    /** One fs-1 request of {@code latencySeconds} on {@code node} now, and on the oracle. */
    private void request(Node node, double latencySeconds) {
        node.engine.apply(List.of(ClusterEvents.request(node.engine, clock.millis(), latencySeconds)), clock.millis());
        oracle.apply(List.of(ClusterEvents.request(oracle, clock.millis(), latencySeconds)), clock.millis());
    }

    /** What each member does every few seconds: publish, then evict its copies of series idle everywhere. */
    private static long publishAndEvict(Node... nodes) {
        for (Node node : nodes) {
            node.state.publish();
        }
        long evicted = 0;
        for (Node node : nodes) {
            evicted += node.state.evictIdleEverywhere();
        }
        return evicted;
    }

    private static long liveSeries(Node node) {
        return node.engine.seriesCountByMetric().values().stream().mapToLong(Integer::longValue).sum();
    }

    @Test
    void aCopyIdlePastTheTtlOnOneMemberKeepsItsCountWhenItsNextEventArrives() {
        Node a = started("a", "a1");
        Node b = started("b", "b1");
        request(b, 0.25);
        long served = ClusterEvents.count(scrape(a, b), "feature_service_latency", FS_1);
        // fs-1 stays busy on a for 2.5 series TTLs (600 s) after b's only event, with every member
        // publishing and evicting as it runs, and scrapes in between
        for (int i = 0; i < 30; i++) {
            clock.advanceMillis(50_000);
            request(a, 0.5);
            assertThat(publishAndEvict(a, b)).isZero();
            GatewaySnapshot global = scrape(b, a);
            long count = ClusterEvents.count(global, "feature_service_latency", FS_1);
            assertThat(count).as("after %d s", (i + 1) * 50).isGreaterThanOrEqualTo(served);
            served = count;
            assertSameSnapshots(global, oracle.snapshot(clock.millis()));
        }

        request(b, 0.75); // b's copy has been idle for 1500 s: it must go on from its count, not from zero

        GatewaySnapshot global = scrape(a, b);
        assertThat(ClusterEvents.count(global, "feature_service_latency", FS_1)).isEqualTo(32).isGreaterThan(served);
        assertThat(ClusterEvents.sum(global, "feature_service_latency", FS_1)).isCloseTo(0.25 + 30 * 0.5 + 0.75, within(1e-9));
        assertSameSnapshots(global, oracle.snapshot(clock.millis()));
    }

    @Test
    void aSeriesIdleEverywhereIsEvictedFromEveryMemberAndComesBackFromZero() {
        Node a = started("a", "a1");
        Node b = started("b", "b1");
        request(a, 0.25);
        request(b, 0.25);
        assertThat(ClusterEvents.count(scrape(a, b), "feature_service_latency", FS_1)).isEqualTo(2);

        clock.advanceMillis(SETTINGS.seriesTtlMillis());
        assertThat(ClusterEvents.count(scrape(a, b), "feature_service_latency", FS_1)).as("gone from the scrape, as from one gateway")
                .isEqualTo(-1);
        assertThat(publishAndEvict(a, b)).as("within the slack an unpublished event may still keep it alive").isZero();

        clock.advanceMillis(MemberState.APPLY_SLACK_MILLIS);
        assertThat(publishAndEvict(a, b)).isPositive();
        assertThat(liveSeries(a)).isZero();
        assertThat(liveSeries(b)).isZero();

        request(b, 0.5);
        GatewaySnapshot global = scrape(a, b);
        assertThat(ClusterEvents.count(global, "feature_service_latency", FS_1)).isEqualTo(1);
        assertSameSnapshots(global, oracle.snapshot(clock.millis()));
    }

    @Test
    void aCopyIsKeptWhileAnotherMembersStateIsTooOldToRuleOutAnEvent() {
        Node a = started("a", "a1");
        Node b = started("b", "b1");
        request(a, 0.25);
        a.state.publish();
        clock.advanceMillis(SETTINGS.seriesTtlMillis() - 1_000);
        request(b, 0.5); // fs-1 busy again on b before one gateway would have ended it; b has not published since
        clock.advanceMillis(11_000);

        assertThat(a.state.evictIdleEverywhere()).as("b's published state is too old to rule out an event since").isZero();
        b.state.publish();
        assertThat(a.state.evictIdleEverywhere()).as("a knows of b's event now: fs-1 is alive").isZero();

        request(b, 0.75);
        GatewaySnapshot global = scrape(a, b);
        assertThat(ClusterEvents.count(global, "feature_service_latency", FS_1)).isEqualTo(3);
        assertSameSnapshots(global, oracle.snapshot(clock.millis()));
    }

    @Test
    void sparseSeriesNeverGoBackAndComeBackFromZeroOnlyWhenIdleEverywhere() {
        Random chaos = new Random(5);
        Node[] members = {started("a", "a1"), started("b", "b1"), started("c", "c1")};
        long[] pauses = {1_000, 40_000, 250_000, 590_000, 700_000};
        long served = -1;
        for (int step = 1; step <= 300; step++) {
            clock.advanceMillis(pauses[chaos.nextInt(pauses.length)]);
            publishAndEvict(members);
            long before = ClusterEvents.count(oracle.snapshot(clock.millis()), "feature_service_latency", FS_1);
            if (before == -1) {
                served = -1; // one gateway has ended the series: it may come back from zero
            }
            if (chaos.nextInt(3) > 0) {
                request(members[chaos.nextInt(members.length)], chaos.nextInt(1_000) / 1000.0);
            }
            Node scraper = members[chaos.nextInt(members.length)];
            GatewaySnapshot global = scrape(scraper, members);
            long count = ClusterEvents.count(global, "feature_service_latency", FS_1);
            assertThat(count).as("step %d", step).isGreaterThanOrEqualTo(served);
            assertSameSnapshots(global, oracle.snapshot(clock.millis()));
            served = count;
        }
    }

    @Test
    void servedCountsNeverGoDownThroughDeathsAbsorptionsAndRestarts() {
        Random chaos = new Random(3);
        List<Node> members = new ArrayList<>(List.of(started("a", "a0"), started("b", "b0"), started("c", "c0")));
        long served = 0;
        for (int step = 1; step <= 60; step++) {
            Node target = members.get(chaos.nextInt(members.size()));
            target.engine.apply(List.of(ClusterEvents.request(target.engine, clock.millis(), 0.1)), clock.millis());
            if (chaos.nextInt(4) == 0) {
                target.state.publish();
            }
            if (step % 10 == 0 && members.size() > 1) {
                Node victim = members.remove(chaos.nextInt(members.size()));
                victim.die();
                if (chaos.nextBoolean()) {
                    members.get(0).state.absorbDeparted(Set.copyOf(live));
                }
                Node back = new Node(victim.state.nodeName(), victim.state.nodeName() + step);
                back.join(Optional.ofNullable(victim.file), () -> { });
                members.add(back);
            }
            clock.advanceMillis(1_000);
            Node scraper = members.get(chaos.nextInt(members.size()));
            long count = ClusterEvents.count(scrape(scraper, members.stream().filter(m -> m != scraper).toArray(Node[]::new)),
                    "feature_service_latency", FS_1);
            assertThat(count).as("step %d", step).isGreaterThanOrEqualTo(served);
            served = count;
        }
        assertThat(served).isPositive();
    }

    @Test
    void publishedStatesSurviveTheirEncoding() {
        NodeState state = new NodeState("gw-1", "inc-1", T0, java.util.Map.of("inc-0", T0 - 5), new byte[] {1, 2, 3});

        NodeState decoded = NodeState.decode(state.encode());

        assertThat(decoded.nodeName()).isEqualTo("gw-1");
        assertThat(decoded.incarnation()).isEqualTo("inc-1");
        assertThat(decoded.publishedAtMillis()).isEqualTo(T0);
        assertThat(decoded.absorbed()).containsExactly(java.util.Map.entry("inc-0", T0 - 5));
        assertThat(decoded.checkpoint()).containsExactly(1, 2, 3);
        assertThat(decoded.encode()).isEqualTo(state.encode());
        byte[] damaged = java.util.Arrays.copyOf(state.encode(), state.encode().length - 1);
        assertThatThrownBy(() -> NodeState.decode(damaged)).isInstanceOf(IllegalArgumentException.class);
    }
}
