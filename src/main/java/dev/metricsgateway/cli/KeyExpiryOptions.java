package dev.metricsgateway.cli;

import dev.metricsgateway.auth.KeyExpiry;
import picocli.CommandLine.Option;

/**
 * {@code --expires-in} or {@code --expires-at}: when a new key stops working (default: never). An
 * exclusive picocli argument group of {@code create} and {@code rotate}.
 */
final class KeyExpiryOptions {

    @Option(names = "--expires-in", paramLabel = "DURATION", converter = ExpiresInConverter.class,
            description = "The key stops working this long after it is issued: 30d, 12h, 90m, 45s "
                    + "or ISO-8601 (P30D, PT12H). Default: never.")
    KeyExpiry expiresIn;

    @Option(names = "--expires-at", paramLabel = "INSTANT", converter = ExpiresAtConverter.class,
            description = "The key stops working at this ISO-8601 instant, e.g. 2025-12-31T00:00:00Z.")
    KeyExpiry expiresAt;

    /** The expiry the options ask for; {@code options} is null when neither was given. */
    static KeyExpiry of(KeyExpiryOptions options) {
        if (options == null) {
            return KeyExpiry.NEVER;
        }
        return options.expiresIn != null ? options.expiresIn : options.expiresAt;
    }

    /** Parses {@code --expires-in}, naming the accepted forms on error. */
    static final class ExpiresInConverter extends ParsingConverter<KeyExpiry> {
        ExpiresInConverter() {
            super(KeyExpiry::parseExpiresIn);
        }
    }

    /** Parses {@code --expires-at}, naming the accepted form on error. */
    static final class ExpiresAtConverter extends ParsingConverter<KeyExpiry> {
        ExpiresAtConverter() {
            super(KeyExpiry::parseExpiresAt);
        }
    }
}
