/**
 * Ingest: turns a request body of events (NDJSON or a JSON array) into validated
 * {@link dev.metricsgateway.core.Event}s, or into a list of {@link dev.metricsgateway.ingest.Violation}s
 * that says, per event and field, why the batch was rejected.
 *
 * <p>Pure: no Vert.x types, no file system, no clock (the arrival time is a parameter). The HTTP
 * layer maps the {@code Content-Type} with {@link dev.metricsgateway.ingest.BodyFormat}, calls
 * {@link dev.metricsgateway.ingest.EventDecoder#decode(byte[], BodyFormat, long)} and renders the
 * {@link dev.metricsgateway.ingest.DecodeResult}. Decoding streams tokens with Jackson's
 * {@code JsonParser}; no JSON tree exists per event.
 */
package dev.metricsgateway.ingest;
