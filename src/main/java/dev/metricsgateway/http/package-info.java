/**
 * The HTTP shell around the core: the verticle, routes, handlers, one error renderer and health.
 * Handlers translate between HTTP and the pure packages and hold no aggregation logic.
 */
package dev.metricsgateway.http;
