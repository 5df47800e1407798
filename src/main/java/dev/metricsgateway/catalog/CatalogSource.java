package dev.metricsgateway.catalog;

/**
 * The text of one catalog file and the name to blame in error messages (a path or resource name).
 */
public record CatalogSource(String name, String yaml) {
}
