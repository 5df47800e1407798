package dev.metricsgateway.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One API key of a service account, as stored: its public id, the SHA-256 of the key, when it was
 * issued and, optionally, when it stops working.
 *
 * <p>The key id names a key in {@code list}, {@code revoke-key} and the HTTP API; it is random
 * and says nothing about the key. A key is valid while {@code now < expiresAt}: at the expiry
 * instant itself it already authenticates nobody.
 *
 * <p>Immutable and validated when built. {@link #toString()} leaves the hash out.
 *
 * @param id        {@value #ID_HEX_LENGTH} lowercase hex characters, unique within its account
 * @param hash      SHA-256 of the key as 64 lowercase hex characters ({@link ApiKeys#hash})
 * @param createdAt when the key was issued
 * @param expiresAt when the key stops working, or {@code null} for a key that never expires;
 *                  when present it is after {@code createdAt}
 */
public record AccountKey(String id, String hash, Instant createdAt, Instant expiresAt) {

    /** Length of a key id in hex characters (64 bits). */
    public static final int ID_HEX_LENGTH = 16;

    public AccountKey {
        if (!isValidId(id)) {
            throw new IllegalArgumentException(id + ": key id must be " + ID_HEX_LENGTH + " lowercase hex characters");
        }
        if (!ApiKeys.isHashHex(hash)) {
            // The value is deliberately not echoed: it is key material.
            throw new IllegalArgumentException("key hash: must be " + ApiKeys.HASH_HEX_LENGTH
                    + " lowercase hex characters");
        }
        Objects.requireNonNull(createdAt, "createdAt");
        if (expiresAt != null && !expiresAt.isAfter(createdAt)) {
            throw new IllegalArgumentException(expiresAt + ": a key must expire after it was created (" + createdAt + ")");
        }
    }

    /** Whether {@code value} has the form of a key id (no lookup). */
    public static boolean isValidId(String value) {
        return value != null && value.length() == ID_HEX_LENGTH && ApiKeys.isLowerHex(value);
    }

    /** When the key stops working; empty for a key that never expires. */
    public Optional<Instant> expiry() {
        return Optional.ofNullable(expiresAt);
    }

    /** Whether the key no longer works at {@code now} (true from {@code expiresAt} on). */
    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "AccountKey[id=" + id + ", createdAt=" + createdAt + ", expiresAt=" + expiresAt + "]";
    }
}
