/**
 * The pure aggregation core: events in, immutable snapshots out. Sliding windows of epoch-aligned
 * one-second buckets, the aggregators of the catalog, and the snapshot model the exposition
 * renders.
 *
 * <p>Nothing here reads a clock or touches files or the network: every operation that depends on
 * time takes {@code nowMillis}, so tests drive time by hand, and checkpoints are written to and
 * read from streams the caller opens (see {@code AggregationEngine#writeCheckpoint}). Nothing
 * here imports Vert.x.
 */
package dev.metricsgateway.core;
