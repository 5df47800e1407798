/**
 * The pure aggregation core: events in, immutable snapshots out. Sliding windows of epoch-aligned
 * one-second buckets, the aggregators of the catalog, and the snapshot model the exposition
 * renders.
 *
 * <p>Nothing here reads a clock or touches I/O: every operation that depends on time takes
 * {@code nowMillis}, so tests drive time by hand. Nothing here imports Vert.x.
 */
package dev.metricsgateway.core;
