package dev.metricsgateway.auth;

import java.util.stream.Collectors;

/**
 * Thrown by {@link ServiceAccountStore#rotate} when the account already holds
 * {@value ServiceAccount#MAX_KEYS} keys: one of them must be revoked before another is issued, so
 * a forgotten old key cannot linger behind an endless chain of rotations. The message names the
 * account and its key ids (never key material).
 */
public final class KeyLimitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    KeyLimitException(ServiceAccount account) {
        super("service account " + account.id() + " already holds " + account.keys().size() + " keys ("
                + account.keys().stream().map(AccountKey::id).collect(Collectors.joining(", "))
                + "); revoke one before issuing another");
    }
}
