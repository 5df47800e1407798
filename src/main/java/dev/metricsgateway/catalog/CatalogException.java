package dev.metricsgateway.catalog;

/**
 * An invalid catalog. The message names the file, the entry and the problem, so that start-up can
 * stop with it as is: {@code my-catalog.yaml: metrics.my_metric: label "le" is reserved}.
 */
public final class CatalogException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CatalogException(String source, String entry, String problem) {
        super(source + ": " + entry + ": " + problem);
    }
}
