/**
 * Cluster mode ({@code serve --cluster}): gateways joined by Vert.x clustering on the Hazelcast
 * cluster manager, any of which ingests and any of which answers a scrape with the global view.
 *
 * <p>Each member keeps its own {@link dev.metricsgateway.core.AggregationEngine} and publishes
 * its state (the core's checkpoint bytes, a {@link dev.metricsgateway.cluster.NodeState}) into a
 * Hazelcast map, every few seconds and whenever a scrape asks for it. A scrape asks every live
 * member for its current state over the clustered event bus and merges them, with the last
 * published state of members that are gone or too slow, into a scratch engine
 * ({@link dev.metricsgateway.cluster.GlobalView}). A departed member's state is absorbed by the
 * oldest member ({@link dev.metricsgateway.cluster.MemberState}), so its cumulative counts
 * live on; a restarted member resumes its departed state instead of counting it twice.
 * Idempotency keys are claimed cluster-wide ({@link dev.metricsgateway.cluster.SharedIdempotencyKeys}).
 *
 * <p>No home-made membership or transport: Hazelcast finds members (static TCP/IP or multicast),
 * the Vert.x event bus carries requests, a Hazelcast map holds published states.
 */
package dev.metricsgateway.cluster;
