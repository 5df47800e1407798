package dev.metricsgateway.http;

import dev.metricsgateway.auth.AuthFailureThrottle;
import dev.metricsgateway.auth.ServiceAccountRegistry;
import dev.metricsgateway.auth.ServiceAccountStore;
import dev.metricsgateway.catalog.Catalog;
import dev.metricsgateway.checkpoint.CheckpointAttachment;
import dev.metricsgateway.checkpoint.CheckpointStore;
import dev.metricsgateway.checkpoint.CheckpointWrite;
import dev.metricsgateway.config.GatewayConfig;
import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.SeriesLimits;
import dev.metricsgateway.core.WindowSettings;
import dev.metricsgateway.exposition.ExpositionWriter;
import dev.metricsgateway.exposition.GatewayMetrics;
import dev.metricsgateway.ingest.EventDecoder;
import dev.metricsgateway.ingest.IdempotencyCache;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.lang.System.Logger.Level;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running gateway: wires config, catalog and clock into the core and the HTTP shell, starts one
 * verticle per event loop, and keeps the service accounts fresh (the store is re-read within a
 * second of a change, so accounts created by the CLI work within the contract's 5 s).
 *
 * <p>Aggregation state survives restarts: {@link #start} restores the data dir's checkpoint
 * before the first request, a timer checkpoints on a worker thread {@code
 * checkpoint_interval_seconds} after the previous checkpoint ended, and {@link #close()} writes a
 * last checkpoint once Vert.x has stopped, when no request can change the state any more. See
 * {@link CheckpointStore}.
 *
 * <p>Tests start it on port 0 with a manual clock; {@code serve} starts it with the system clock.
 */
public final class GatewayServer {

    /** How often the service-account store is checked for changes made by the CLI. */
    static final long ACCOUNT_REFRESH_MILLIS = 1000;

    private static final System.Logger LOG = System.getLogger(GatewayServer.class.getName());

    private final Vertx vertx;
    private final GatewayServices services;
    private final int port;
    private final Checkpoints checkpoints;

    private GatewayServer(Vertx vertx, GatewayServices services, int port, Checkpoints checkpoints) {
        this.vertx = vertx;
        this.services = services;
        this.port = port;
        this.checkpoints = checkpoints;
    }

    /**
     * Starts the gateway. Blocks while it loads the service accounts and restores the aggregation
     * checkpoint (file I/O), then returns a future completed once every verticle listens.
     *
     * @throws IllegalStateException when the service-account store is corrupt, or the checkpoint
     *         cannot be restored and cannot be moved aside
     * @throws java.io.UncheckedIOException when the data dir cannot be created
     */
    public static Future<GatewayServer> start(GatewayConfig config, Catalog catalog, InstantSource clock) {
        return start(config, catalog, clock, Optional.empty());
    }

    /**
     * Starts the gateway, in cluster mode when {@code cluster} is present: it runs on the
     * cluster's Vert.x, the cluster fills the engine ({@link ClusterHooks#join}) and scrapes serve
     * the global view.
     */
    public static Future<GatewayServer> start(GatewayConfig config, Catalog catalog, InstantSource clock, Optional<ClusterHooks> cluster) {
        AggregationEngine engine = new AggregationEngine(catalog,
                new WindowSettings(config.windowSeconds(), config.seriesTtlSeconds() * 1000, config.instanceTtlSeconds() * 1000),
                new SeriesLimits(config.maxSeriesPerMetric(), config.maxSeriesTotal()));
        // The gateway's clock stamps keys created through the API and judges every key's expiry.
        ServiceAccountStore store = new ServiceAccountStore(config.dataDir(), clock);
        GatewayServices services = new GatewayServices(
                config,
                clock,
                engine,
                new EventDecoder(engine.schemas(), config.maxFutureSkewSeconds() * 1000, 100, config.maxEventsPerBatch()),
                new IdempotencyCache(config.idempotencyWindowSeconds() * 1000, config.maxIdempotencyKeys()),
                new ExpositionWriter(config.timestamps()),
                new GatewayMetrics(),
                store,
                new ServiceAccountRegistry(store, clock),
                new ScrapeClock(clock),
                new AtomicBoolean(true),
                new AtomicInteger(),
                new AtomicInteger(),
                // One throttle for all verticles: a client spreading its guesses over connections
                // (and so over event loops) still has one budget.
                config.authFailureLimit() == 0 ? Optional.empty() : Optional.of(new AuthFailureThrottle(
                        config.authFailureLimit(), config.authFailureWindowSeconds() * 1000, config.authFailureMaxAddresses())),
                cluster);
        Checkpoints checkpoints = Checkpoints.restore(config, engine, clock, services.metrics(), idempotencyKeys(services.idempotency()), cluster);
        int eventLoops = config.eventLoops() > 0 ? config.eventLoops() : Runtime.getRuntime().availableProcessors();
        Vertx vertx = cluster.map(ClusterHooks::vertx).orElseGet(() -> Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops)));
        // Port 0 means "any free port": Vert.x shares one random port among servers that ask for a
        // negative port, so every instance gets the same one.
        int bindPort = config.port() == 0 ? -1 : config.port();
        List<GatewayVerticle> instances = new CopyOnWriteArrayList<>();
        return vertx.deployVerticle(() -> {
                    GatewayVerticle verticle = new GatewayVerticle(services, bindPort);
                    instances.add(verticle);
                    return verticle;
                }, new DeploymentOptions().setInstances(eventLoops))
                .map(id -> instances.get(0).actualPort())
                .map(port -> {
                    vertx.setPeriodic(ACCOUNT_REFRESH_MILLIS, timer ->
                            vertx.executeBlocking(() -> services.accounts().refreshIfChanged(), false));
                    checkpoints.schedule(vertx, config.checkpointIntervalSeconds());
                    return new GatewayServer(vertx, services, port, checkpoints);
                })
                .recover(failure -> {
                    // Not chained on close(): its completion would be delivered on the event loops it stops.
                    vertx.close();
                    // No checkpoint: the one on disk is still the state this server restored.
                    checkpoints.abandon();
                    return Future.failedFuture(failure);
                });
    }

    /**
     * The applied idempotency keys as a checkpoint attachment: checkpointed with the aggregation,
     * so a batch retried right after a restart is still not applied twice.
     */
    private static CheckpointAttachment idempotencyKeys(IdempotencyCache cache) {
        return new CheckpointAttachment() {
            @Override
            public String name() {
                return "idempotency-keys";
            }

            @Override
            public byte[] snapshot(long nowMillis) {
                return cache.snapshot(nowMillis);
            }

            @Override
            public String restore(byte[] snapshot, long nowMillis) {
                return cache.restore(snapshot, nowMillis) + " idempotency keys";
            }
        };
    }

    /** The port the gateway listens on. */
    public int port() {
        return port;
    }

    /**
     * First step of a graceful stop: {@code /readyz} answers 503 while requests are still served,
     * so load balancers and Kubernetes take the gateway out of rotation before it stops accepting.
     */
    public void startDraining() {
        services.ready().set(false);
    }

    /**
     * Graceful stop: {@code /readyz} turns 503, servers stop accepting, in-flight requests finish
     * (up to the shutdown timeout), Vert.x closes, and a last checkpoint of the final state is
     * written. The future fails if Vert.x did not close cleanly; a failed last checkpoint is
     * logged and counted (the previous checkpoint stays), it does not fail the stop.
     */
    public Future<Void> close() {
        startDraining();
        checkpoints.stopScheduling();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        // A cluster member publishes its final state before it leaves; a failure to do so loses
        // at most what it ingested since its last publication, and must not stop the shutdown.
        // Vert.x is closed from a thread of its own: a completion chained on a Vert.x future would
        // be delivered on a context that closing stops, and never arrive.
        Future<Void> left = services.cluster().map(ClusterHooks::leave).orElse(Future.succeededFuture());
        left.toCompletionStage().whenCompleteAsync((published, failure) -> vertx.close().onComplete(closed -> {
            // Off the Vert.x threads that are shutting down: file I/O on a thread of its own.
            Thread last = new Thread(() -> {
                checkpoints.writeFinal();
                if (closed.succeeded()) {
                    stopped.complete(null);
                } else {
                    stopped.completeExceptionally(closed.cause());
                }
            }, "metrics-gateway-final-checkpoint");
            last.start();
        }), command -> new Thread(command, "metrics-gateway-close").start());
        return Future.fromCompletionStage(stopped);
    }

    /**
     * The checkpoint side of a server: the store (or none when {@code checkpoint_interval_seconds}
     * is 0), its timer, and the gateway's own checkpoint metrics. Thread-safe: one timer run at a
     * time (the next is set when the last ends), and the store serializes it with the final write.
     */
    private static final class Checkpoints {

        private final CheckpointStore store;
        private final GatewayMetrics metrics;
        /** Set when the server begins to close: no further timer is set on a Vert.x that is closing. */
        private volatile boolean stopping;
        /** The last failure logged, so that a disk that stays full logs once, not every interval. */
        private volatile String lastFailure;

        private Checkpoints(CheckpointStore store, GatewayMetrics metrics) {
            this.store = store;
            this.metrics = metrics;
        }

        /**
         * Opens the data dir's checkpoint and restores it into {@code engine}; with interval 0, does
         * neither. In cluster mode the cluster decides whether the checkpoint is restored.
         */
        static Checkpoints restore(GatewayConfig config, AggregationEngine engine, InstantSource clock, GatewayMetrics metrics,
                CheckpointAttachment idempotencyKeys, Optional<ClusterHooks> cluster) {
            if (config.checkpointIntervalSeconds() == 0) {
                LOG.log(Level.INFO, "checkpoint_interval_seconds is 0: aggregation state is kept in memory only");
                cluster.ifPresent(hooks -> hooks.join(engine, metrics, () -> { }));
                return new Checkpoints(null, metrics);
            }
            CheckpointStore store = CheckpointStore.open(config.dataDir(), engine, clock, List.of(idempotencyKeys));
            try {
                if (cluster.isPresent()) {
                    cluster.get().join(engine, metrics, store::restore);
                } else {
                    store.restore();
                }
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            return new Checkpoints(store, metrics);
        }

        /**
         * Checkpoints {@code intervalSeconds} after the start, then {@code intervalSeconds} after
         * each checkpoint ends: however long a checkpoint of a large state takes, the worker thread
         * it runs on is free at least that long between two.
         */
        void schedule(Vertx vertx, long intervalSeconds) {
            if (store == null || !store.enabled() || stopping) {
                return;
            }
            vertx.setTimer(intervalSeconds * 1000, timer -> vertx.executeBlocking(() -> {
                write(false);
                return null;
            }, false).onComplete(done -> schedule(vertx, intervalSeconds)));
        }

        void stopScheduling() {
            stopping = true;
        }

        void writeFinal() {
            if (store != null) {
                write(true);
            }
        }

        void abandon() {
            if (store != null) {
                store.close();
            }
        }

        private void write(boolean last) {
            try {
                Optional<CheckpointWrite> written = last ? store.writeFinalAndClose() : store.write();
                written.ifPresent(checkpoint -> {
                    metrics.checkpointWritten(checkpoint.duration().toNanos() / 1e9, checkpoint.bytes(), checkpoint.takenAtMillis());
                    if (lastFailure != null) {
                        LOG.log(Level.INFO, "checkpoints are written again to " + store.file());
                        lastFailure = null;
                    }
                });
            } catch (Exception e) {
                // Whatever went wrong, the previous checkpoint is intact and the next run tries again.
                metrics.checkpointFailed();
                String failure = e.toString();
                if (last || !Objects.equals(failure, lastFailure)) {
                    LOG.log(Level.WARNING, "cannot write " + (last ? "the shutdown checkpoint " : "a checkpoint ") + "to " + store.file()
                            + " (the previous one stays): " + failure);
                }
                lastFailure = failure;
            }
        }
    }
}
