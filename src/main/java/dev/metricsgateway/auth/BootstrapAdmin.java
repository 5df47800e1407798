package dev.metricsgateway.auth;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;

/**
 * Creates the first admin account of an empty data directory, so a newcomer can use the gateway
 * at once: with a generated key, or with the key from {@value #BOOTSTRAP_KEY_ENV} (containers).
 *
 * <p>Stateless and thread-safe; {@link #ensureAdmin} blocks on file I/O.
 */
public final class BootstrapAdmin {

    /** The environment variable that supplies the bootstrap key instead of a generated one. */
    public static final String BOOTSTRAP_KEY_ENV = "METRICS_GATEWAY_BOOTSTRAP_KEY";

    /** The name of the bootstrap account. */
    public static final String ACCOUNT_NAME = "admin";

    private BootstrapAdmin() {
    }

    /**
     * Creates the admin account if the store is empty (atomically with other writers).
     *
     * @param suppliedKeyOrNull the value of {@value #BOOTSTRAP_KEY_ENV}, or {@code null}/blank to
     *                          generate a key
     * @return the line to print once, or empty when the store already had accounts. For a
     *         generated key it is {@code Bootstrap admin API Key: <key>}; a supplied key is not
     *         printed (the operator has it, and logs should not), only the account id.
     * @throws IllegalArgumentException when the supplied key is too short or malformed
     */
    public static Optional<String> ensureAdmin(ServiceAccountStore store, String suppliedKeyOrNull) {
        Objects.requireNonNull(store, "store");
        String suppliedKey = suppliedKeyOrNull == null || suppliedKeyOrNull.isBlank() ? null : suppliedKeyOrNull;
        return store.createIfEmpty(ACCOUNT_NAME, "created on first start", EnumSet.of(Role.ADMIN), suppliedKey)
                .map(created -> suppliedKey == null
                        ? "Bootstrap admin API Key: " + created.plaintextKey()
                        : "Bootstrap admin service account " + created.account().id()
                                + " created with the key from " + BOOTSTRAP_KEY_ENV);
    }
}
