/**
 * The metric catalog as data: event types (fields, JSON types, ranges, labels) and metrics (name,
 * HELP, release stage, type, labels, derivation), loaded from YAML and validated before anything
 * runs. Pure: no I/O beyond the {@link java.io.InputStream} the caller hands in, no clock.
 */
package dev.metricsgateway.catalog;
