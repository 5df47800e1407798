package dev.metricsgateway.auth;

import java.util.Objects;

/**
 * A key just issued to an existing account by {@link ServiceAccountStore#rotate}, with its
 * plaintext: the only moment the key exists outside the caller's hands. Show it once, then drop
 * this object.
 *
 * <p>Immutable. {@link #toString()} redacts the key.
 *
 * @param account      the account as stored after the rotation (holding the new key and the old one)
 * @param key          the new key's stored form: id, hash, creation and expiry
 * @param plaintextKey the key to hand to the user; only its hash was stored
 */
public record IssuedKey(ServiceAccount account, AccountKey key, String plaintextKey) {

    public IssuedKey {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(plaintextKey, "plaintextKey");
    }

    @Override
    public String toString() {
        return "IssuedKey[account=" + account.id() + ", key=" + key + ", plaintextKey=<redacted>]";
    }
}
