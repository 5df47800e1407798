package dev.metricsgateway.config;

/** A configuration value that cannot be used; the message names the key and its source. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
