package dev.metricsgateway.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import dev.metricsgateway.catalog.Catalog;
import dev.metricsgateway.config.ClusterConfig;
import dev.metricsgateway.config.GatewayConfig;
import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.core.WindowSettings;
import dev.metricsgateway.exposition.GatewayMetrics;
import dev.metricsgateway.http.ClusterHooks;
import dev.metricsgateway.ingest.IdempotencyCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.lang.System.Logger.Level;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A gateway's membership of a cluster: the clustered Vert.x on Hazelcast, the member's published
 * state, the event-bus address where other members ask for it, and the global scrape.
 *
 * <p>A scrape ({@link #globalSnapshot}) publishes this member's state and reads the table (on a
 * worker), asks every other live member for its current state over the event bus within {@code
 * cluster_scrape_timeout_millis} (on the event loop, without blocking it), then merges them all
 * into a scratch engine (on a worker). A member that does not answer in time is served from its
 * last published state; the scrape counts as partial and the member is logged.
 *
 * <p>Thread-safe: the table and {@link MemberState} are, and the rest is set once in {@link #join}
 * before the server listens.
 */
public final class ClusterMember implements ClusterHooks {

    private static final System.Logger LOG = System.getLogger(ClusterMember.class.getName());
    private static final String STATE_ADDRESS = "metrics-gateway.cluster.state.";
    /** How often the service-account store is compared with the cluster's copy (see {@link AccountReplication}). */
    private static final long ACCOUNT_SYNC_MILLIS = 1000;

    private final Vertx vertx;
    private final HazelcastClusterManager clusterManager;
    private final HazelcastInstance hazelcast;
    private final GatewayConfig config;
    private final Supplier<AggregationEngine> scratch;
    private final InstantSource clock;
    private final StateTable table;
    private final AccountReplication accounts;
    private final SharedIdempotencyKeys idempotencyKeys;
    private volatile MemberState member;
    private volatile GatewayMetrics metrics;
    private final List<Long> timers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ClusterMember(Vertx vertx, HazelcastClusterManager clusterManager, GatewayConfig config, Catalog catalog, InstantSource clock,
            AccountReplication accounts) {
        this.accounts = accounts;
        this.vertx = vertx;
        this.clusterManager = clusterManager;
        this.hazelcast = clusterManager.getHazelcastInstance();
        this.config = config;
        WindowSettings settings = new WindowSettings(config.windowSeconds(), config.seriesTtlSeconds() * 1000, config.instanceTtlSeconds() * 1000);
        this.scratch = () -> new AggregationEngine(catalog, settings);
        this.clock = clock;
        this.table = new HazelcastStateTable(hazelcast);
        this.idempotencyKeys = new SharedIdempotencyKeys(SharedIdempotencyKeys.hazelcast(hazelcast), config.idempotencyWindowSeconds() * 1000);
    }

    /**
     * Starts a clustered Vert.x and joins the cluster of {@code config.cluster()}. Blocks until
     * the member is in (or failed).
     *
     * @throws IllegalStateException when the cluster cannot be joined, or its members run
     *         another catalog or window (the message says which member); nothing stays running
     */
    public static ClusterMember start(GatewayConfig config, Catalog catalog, InstantSource clock) throws InterruptedException {
        ClusterConfig cluster = config.cluster();
        String fingerprint = CatalogFingerprint.of(catalog, config.windowSeconds());
        HazelcastClusterManager clusterManager = new HazelcastClusterManager(HazelcastSettings.of(cluster, fingerprint));
        int eventLoops = config.eventLoops() > 0 ? config.eventLoops() : Runtime.getRuntime().availableProcessors();
        VertxOptions options = new VertxOptions().setEventLoopPoolSize(eventLoops);
        options.getEventBusOptions().setHost(cluster.host()).setPort(cluster.busPort()).setClusterPublicHost(cluster.host());
        Vertx vertx;
        try {
            vertx = Vertx.builder().with(options).withClusterManager(clusterManager).buildClustered()
                    .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot join the cluster on " + cluster.host() + ":" + cluster.port() + ": " + cause, cause);
        }
        for (Member other : clusterManager.getHazelcastInstance().getCluster().getMembers()) {
            String theirs = other.getAttribute(HazelcastSettings.CATALOG_ATTRIBUTE);
            if (!other.localMember() && !fingerprint.equals(theirs)) {
                closeQuietly(vertx);
                throw new IllegalStateException("refused by the cluster: member " + other.getAddress() + " runs catalog fingerprint "
                        + theirs + ", this gateway " + fingerprint + "; every member must run the same catalog and window_seconds");
            }
        }
        LOG.log(Level.INFO, "joined cluster " + cluster.name() + " as " + cluster.memberName() + " (" + clusterManager.getNodeId() + "), "
                + clusterManager.getNodes().size() + " member(s)");
        AccountReplication accounts = new AccountReplication(
                SharedBytes.hazelcast(clusterManager.getHazelcastInstance(), AccountReplication.MAP_NAME, AccountReplication.KEY),
                config.dataDir(), cluster.memberName());
        try {
            // Before the server's registry first reads the store: it starts with the cluster's accounts.
            accounts.join();
        } catch (RuntimeException e) {
            closeQuietly(vertx);
            throw new IllegalStateException("cannot take the cluster's service accounts: " + e.getMessage(), e);
        }
        return new ClusterMember(vertx, clusterManager, config, catalog, clock, accounts);
    }

    /** Leaves the cluster without serving (a start that failed after joining). */
    public void abandon() {
        closeQuietly(vertx);
    }

    private static void closeQuietly(Vertx vertx) {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "leaving the cluster did not complete cleanly: " + e);
        }
    }

    @Override
    public Vertx vertx() {
        return vertx;
    }

    @Override
    public void join(AggregationEngine engine, GatewayMetrics gatewayMetrics, Runnable restoreCheckpoint) {
        ClusterConfig cluster = config.cluster();
        MemberFile file = new MemberFile(config.dataDir());
        MemberState state = new MemberState(cluster.memberName(), clusterManager.getNodeId(), engine, table, clock,
                config.seriesTtlSeconds() * 1000, file::write, scratch);
        MemberState.Start start = state.join(file.read(), liveIncarnations(), restoreCheckpoint);
        LOG.log(Level.INFO, "cluster member " + state.nodeName() + " (" + state.incarnation() + ") started "
                + switch (start) {
                    case CHECKPOINT -> "from its checkpoint (the cluster held none of it)";
                    case RESUMED -> "from its previous incarnation's state, kept by the cluster";
                    case EMPTY -> "empty: the cluster already holds its previous state";
                });
        this.member = state;
        this.metrics = gatewayMetrics;
        MessageConsumer<Buffer> consumer = vertx.eventBus().consumer(STATE_ADDRESS + state.incarnation(), message ->
                vertx.executeBlocking(() -> Buffer.buffer(state.publish().encode()), false).onComplete(published -> {
                    if (published.succeeded()) {
                        message.reply(published.result());
                    } else {
                        LOG.log(Level.WARNING, "cannot answer a state request: " + published.cause());
                        message.fail(500, String.valueOf(published.cause()));
                    }
                }));
        try {
            consumer.completion().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot register on the cluster's event bus: " + e, e);
        }
        long publishMillis = cluster.publishIntervalSeconds() * 1000;
        // A member's engine never expires its copies by itself (their counts would leave the merged
        // series): copies of series idle on every member are evicted here. The pass merges every
        // member's state, like a scrape, so it runs a twentieth of the TTL apart, not every publish.
        every(Math.max(publishMillis, config.seriesTtlSeconds() * 1000 / 20), "evict series idle on every member",
                state::evictIdleEverywhere);
        every(publishMillis, "publish this member's state", () -> {
            state.publish();
            if (isOldest()) {
                state.absorbDeparted(liveIncarnations()).forEach(absorbed -> gatewayMetrics.clusterStateAbsorbed());
            }
        });
        every(ACCOUNT_SYNC_MILLIS, "synchronize the service accounts with the cluster", accounts::sync);
    }

    /**
     * Runs {@code task} on a worker every {@code periodMillis}, skipping a turn while the last run
     * is still going: a state that takes longer to publish than the interval must not pile up
     * worker threads behind it.
     */
    private void every(long periodMillis, String what, Runnable task) {
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
        timers.add(vertx.setPeriodic(periodMillis, timer -> {
            if (!running.compareAndSet(false, true)) {
                return;
            }
            vertx.executeBlocking(() -> {
                task.run();
                return null;
            }, false).onComplete(done -> {
                running.set(false);
                if (done.failed()) {
                    LOG.log(Level.WARNING, "cannot " + what + ": " + done.cause());
                }
            });
        }));
    }

    @Override
    public Future<GatewaySnapshot> globalSnapshot(long nowMillis) {
        MemberState state = member;
        return vertx.executeBlocking(() -> new Round(state.publish(), table.all()), false)
                .compose(round -> askMembers(state, round))
                .compose(round -> vertx.executeBlocking(() -> {
                    // Decoded here, on a worker: a member's state may be megabytes.
                    List<NodeState> answered = new ArrayList<>();
                    synchronized (round) {
                        round.answered.forEach(bytes -> answered.add(NodeState.decode(bytes)));
                    }
                    answered.add(round.own);
                    return GlobalView.merge(scratch, GlobalView.select(round.published, answered), nowMillis);
                }, false));
    }

    /** What one scrape has gathered so far. */
    private static final class Round {
        final NodeState own;
        final Collection<NodeState> published;
        /** The encoded states members answered with (guarded by the round). */
        final List<byte[]> answered = new ArrayList<>();

        Round(NodeState own, Collection<NodeState> published) {
            this.own = own;
            this.published = published;
        }
    }

    private Future<Round> askMembers(MemberState state, Round round) {
        Set<String> live = liveIncarnations();
        Set<String> accounted = MemberState.absorbedByAny(round.published);
        List<Future<Void>> requests = new ArrayList<>();
        long timeoutMillis = config.cluster().scrapeTimeoutMillis();
        boolean[] partial = {false};
        for (NodeState published : round.published) {
            String incarnation = published.incarnation();
            if (incarnation.equals(state.incarnation()) || !live.contains(incarnation) || accounted.contains(incarnation)) {
                continue; // this member, or departed (its published state is all there is), or absorbed
            }
            Future<Void> request = vertx.eventBus()
                    .<Buffer>request(STATE_ADDRESS + incarnation, null, new DeliveryOptions().setSendTimeout(timeoutMillis))
                    .map(reply -> {
                        byte[] answer = reply.body().getBytes();
                        synchronized (round) {
                            round.answered.add(answer);
                        }
                        return (Void) null;
                    })
                    .recover(failure -> {
                        synchronized (round) {
                            partial[0] = true;
                        }
                        LOG.log(Level.WARNING, "cluster member " + published.nodeName() + " (" + incarnation + ") did not answer within "
                                + timeoutMillis + " ms (" + failure.getMessage() + "): this scrape serves its state published at "
                                + published.publishedAtMillis());
                        return Future.succeededFuture();
                    });
            requests.add(request);
        }
        return Future.all(requests).map(all -> {
            synchronized (round) {
                if (partial[0]) {
                    metrics.clusterPartialScrape();
                }
            }
            return round;
        });
    }

    @Override
    public Future<Void> leave() {
        MemberState state = member;
        if (state == null) {
            return Future.succeededFuture();
        }
        timers.forEach(vertx::cancelTimer);
        return vertx.executeBlocking(() -> {
            state.publish();
            return null;
        }, false).<Void>mapEmpty().recover(failure -> {
            LOG.log(Level.WARNING, "cannot publish this member's last state: " + failure);
            return Future.succeededFuture();
        });
    }

    @Override
    public Future<IdempotencyCache.Decision> claimIdempotencyKey(String accountId, String key, byte[] bodyDigest) {
        long timeoutMillis = config.cluster().scrapeTimeoutMillis();
        return vertx.executeBlocking(() -> idempotencyKeys.claim(accountId, key, bodyDigest), false)
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .recover(failure -> {
                    LOG.log(Level.WARNING, "idempotency key not checked against the cluster within " + timeoutMillis
                            + " ms (" + failure + "): the batch is applied on this member's word alone");
                    return Future.succeededFuture(new IdempotencyCache.Apply());
                });
    }

    @Override
    public void completeIdempotencyKey(String accountId, String key, byte[] bodyDigest, int accepted, int late) {
        inBackground("record an idempotency key's result in the cluster", () -> idempotencyKeys.complete(accountId, key, bodyDigest, accepted, late));
    }

    @Override
    public void releaseIdempotencyKey(String accountId, String key) {
        inBackground("release an idempotency key in the cluster", () -> idempotencyKeys.release(accountId, key));
    }

    private void inBackground(String what, Runnable task) {
        vertx.executeBlocking(() -> {
            task.run();
            return null;
        }, false).onFailure(failure -> LOG.log(Level.WARNING, "cannot " + what + ": " + failure));
    }

    private Set<String> liveIncarnations() {
        return new HashSet<>(clusterManager.getNodes());
    }

    /** The oldest member absorbs departed states: Hazelcast lists members oldest first. */
    private boolean isOldest() {
        Iterator<Member> members = hazelcast.getCluster().getMembers().iterator();
        return members.hasNext() && members.next().localMember();
    }

    /** This member's current incarnation, for tests and logs. */
    public String incarnation() {
        return clusterManager.getNodeId();
    }

    Optional<MemberState> state() {
        return Optional.ofNullable(member);
    }
}
