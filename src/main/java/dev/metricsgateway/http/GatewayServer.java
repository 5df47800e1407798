package dev.metricsgateway.http;

import dev.metricsgateway.auth.ServiceAccountRegistry;
import dev.metricsgateway.auth.ServiceAccountStore;
import dev.metricsgateway.catalog.Catalog;
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
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running gateway: wires config, catalog and clock into the core and the HTTP shell, starts one
 * verticle per event loop, and keeps the service accounts fresh (the store is re-read within a
 * second of a change, so accounts created by the CLI work within the contract's 5 s).
 *
 * <p>Tests start it on port 0 with a manual clock; {@code serve} starts it with the system clock.
 */
public final class GatewayServer {

    /** How often the service-account store is checked for changes made by the CLI. */
    static final long ACCOUNT_REFRESH_MILLIS = 1000;

    private final Vertx vertx;
    private final GatewayServices services;
    private final int port;

    private GatewayServer(Vertx vertx, GatewayServices services, int port) {
        this.vertx = vertx;
        this.services = services;
        this.port = port;
    }

    /**
     * Starts the gateway. Blocks while it loads the service accounts (file I/O), then returns a
     * future completed once every verticle listens.
     *
     * @throws IllegalStateException when the service-account store is corrupt
     */
    public static Future<GatewayServer> start(GatewayConfig config, Catalog catalog, InstantSource clock) {
        AggregationEngine engine = new AggregationEngine(catalog,
                new WindowSettings(config.windowSeconds(), config.seriesTtlSeconds() * 1000, config.instanceTtlSeconds() * 1000),
                new SeriesLimits(config.maxSeriesPerMetric(), config.maxSeriesTotal()));
        ServiceAccountStore store = new ServiceAccountStore(config.dataDir());
        GatewayServices services = new GatewayServices(
                config,
                clock,
                engine,
                new EventDecoder(engine.schemas(), config.maxFutureSkewSeconds() * 1000, 100),
                new IdempotencyCache(config.idempotencyWindowSeconds() * 1000, config.maxIdempotencyKeys()),
                new ExpositionWriter(config.timestamps()),
                new GatewayMetrics(),
                store,
                new ServiceAccountRegistry(store),
                new ScrapeClock(clock),
                new AtomicBoolean(true),
                new AtomicInteger());
        int eventLoops = config.eventLoops() > 0 ? config.eventLoops() : Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
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
                    return new GatewayServer(vertx, services, port);
                })
                .recover(failure -> {
                    // Not chained on close(): its completion would be delivered on the event loops it stops.
                    vertx.close();
                    return Future.failedFuture(failure);
                });
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
     * (up to the shutdown timeout), then Vert.x closes.
     */
    public Future<Void> close() {
        startDraining();
        return vertx.close();
    }
}
