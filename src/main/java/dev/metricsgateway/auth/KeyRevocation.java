package dev.metricsgateway.auth;

/** What {@link ServiceAccountStore#revokeKey} did. */
public enum KeyRevocation {
    /** The key was removed; it stops working (on a running server within seconds). */
    REVOKED,
    /** No account has this id; nothing was written. */
    UNKNOWN_ACCOUNT,
    /** The account holds no key with this id; nothing was written. */
    UNKNOWN_KEY,
    /**
     * The key is the account's only one and was kept: an account without a key would be a
     * dead entry. Rotate first, or delete the account.
     */
    ONLY_KEY
}
