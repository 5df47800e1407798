/**
 * Aggregation state on disk: the checkpoint file of a data directory, written atomically and
 * restored at start-up. The bytes are the core's ({@link dev.metricsgateway.core.AggregationEngine#writeCheckpoint});
 * this package owns the file, its lock, its crash safety ({@link dev.metricsgateway.files.AtomicFiles})
 * and what happens to a checkpoint that cannot be restored. It knows nothing of HTTP or Vert.x;
 * the server schedules it.
 */
package dev.metricsgateway.checkpoint;
