/**
 * Snapshots to text: converts core snapshots into client_java {@code MetricSnapshots}, negotiates
 * the format from {@code Accept}, and writes with client_java's two text writers, each built
 * explicitly so that timestamps are milliseconds in Prometheus text and seconds in OpenMetrics.
 * Also holds the gateway's own metrics.
 */
package dev.metricsgateway.exposition;
