package dev.metricsgateway.http;

import dev.metricsgateway.auth.AuthFailureThrottle;
import dev.metricsgateway.auth.ServiceAccountRegistry;
import dev.metricsgateway.auth.ServiceAccountStore;
import dev.metricsgateway.config.GatewayConfig;
import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.exposition.ExpositionWriter;
import dev.metricsgateway.exposition.GatewayMetrics;
import dev.metricsgateway.ingest.EventDecoder;
import dev.metricsgateway.ingest.IdempotencyCache;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything the HTTP shell works with, shared by every verticle instance. All members are
 * thread-safe.
 *
 * @param ready             false while the gateway drains for shutdown ({@code /readyz} answers 503)
 * @param inflightIngest    ingest requests between their arrival and their answer
 * @param openConnections   client connections of all verticles, for {@code max_connections}
 * @param authFailures      the one failed-authentication throttle of all verticles; empty when
 *                          {@code auth_failure_limit} is 0
 * @param cluster           cluster mode's hooks; empty for a single gateway
 */
record GatewayServices(
        GatewayConfig config,
        InstantSource clock,
        AggregationEngine engine,
        EventDecoder decoder,
        IdempotencyCache idempotency,
        ExpositionWriter writer,
        GatewayMetrics metrics,
        ServiceAccountStore accountStore,
        ServiceAccountRegistry accounts,
        ScrapeClock scrapeClock,
        AtomicBoolean ready,
        AtomicInteger inflightIngest,
        AtomicInteger openConnections,
        Optional<AuthFailureThrottle> authFailures,
        Optional<ClusterHooks> cluster) {
}
