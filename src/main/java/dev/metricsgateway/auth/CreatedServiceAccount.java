package dev.metricsgateway.auth;

import java.util.Objects;

/**
 * A freshly created account together with its plaintext key, the only moment the key exists
 * outside the caller's hands. Show the key once, then drop this object.
 *
 * <p>Immutable. {@link #toString()} redacts the key.
 *
 * @param account      the stored account
 * @param plaintextKey the key to hand to the user; only its hash was stored
 */
public record CreatedServiceAccount(ServiceAccount account, String plaintextKey) {

    public CreatedServiceAccount {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(plaintextKey, "plaintextKey");
    }

    /** The account's key, the one {@link #plaintextKey} is the plaintext of. */
    public AccountKey key() {
        return account.keys().get(0);
    }

    @Override
    public String toString() {
        return "CreatedServiceAccount[account=" + account + ", plaintextKey=<redacted>]";
    }
}
