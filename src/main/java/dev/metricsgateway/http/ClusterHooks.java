package dev.metricsgateway.http;

import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.exposition.GatewayMetrics;
import dev.metricsgateway.ingest.IdempotencyCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * What cluster mode ({@code dev.metricsgateway.cluster}) plugs into a gateway; a single gateway
 * has none. The server calls them in this order: {@link #vertx()}, {@link #join} once before it
 * listens, {@link #globalSnapshot} for every scrape, {@link #leave} when it stops.
 */
public interface ClusterHooks {

    /** The clustered Vert.x the gateway runs on; the server closes it when it stops. */
    Vertx vertx();

    /**
     * Fills the fresh engine (from the cluster, or by running {@code restoreCheckpoint}, which
     * restores the data dir's checkpoint) and starts taking part in the cluster. Blocking; called
     * on the starting thread before the server listens.
     */
    void join(AggregationEngine engine, GatewayMetrics metrics, Runnable restoreCheckpoint);

    /** The global view a scrape serves. Called on an event loop; must not block it. */
    Future<GatewaySnapshot> globalSnapshot(long nowMillis);

    /** Publishes a last state before Vert.x leaves the cluster, so the survivors keep all of it. */
    Future<Void> leave();

    /**
     * Claims an idempotency key this member's own cache would apply, against the keys of every
     * member: {@link IdempotencyCache.Apply} when this member is to apply the batch, else what
     * the member that claimed it first recorded. Never fails (when the cluster cannot be asked
     * in time, the batch is applied: counted twice rather than lost). Called on an event loop;
     * must not block it.
     */
    default Future<IdempotencyCache.Decision> claimIdempotencyKey(String accountId, String key, byte[] bodyDigest) {
        return Future.succeededFuture(new IdempotencyCache.Apply());
    }

    /** Records the result of a batch applied under a claimed key. Called on an event loop; must not block it. */
    default void completeIdempotencyKey(String accountId, String key, byte[] bodyDigest, int accepted, int late) {
    }

    /** Gives up a claimed key whose batch was not applied. Called on an event loop; must not block it. */
    default void releaseIdempotencyKey(String accountId, String key) {
    }
}
