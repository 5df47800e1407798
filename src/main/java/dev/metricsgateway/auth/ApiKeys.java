package dev.metricsgateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * API keys and account ids: generation, hashing and constant-time comparison.
 *
 * <p>A key is 256 random bits written as 64 lowercase hex characters; the store keeps only its
 * SHA-256. A plain (unsalted, fast) hash is enough here because the keys are random and long:
 * there is no dictionary to attack, unlike with passwords.
 *
 * <p>Thread-safe: {@link SecureRandom} is safe for concurrent use and {@link MessageDigest}
 * instances are never shared.
 */
public final class ApiKeys {

    /** Length of a generated key in hex characters (256 bits). */
    public static final int KEY_HEX_LENGTH = 64;

    /** Length of an account id in hex characters (128 bits). */
    public static final int ID_HEX_LENGTH = 32;

    /** Length of a SHA-256 hex digest. */
    public static final int HASH_HEX_LENGTH = 64;

    // One instance for the whole process: seeding a SecureRandom is the expensive part.
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    private static final String LEGACY_KEY_ID_PREFIX = "metrics-gateway key id of ";

    private ApiKeys() {
    }

    /** A new random key: 32 bytes from {@link SecureRandom} as 64 lowercase hex characters. */
    public static String generate() {
        return randomHex(KEY_HEX_LENGTH / 2);
    }

    /** A new random account id: 16 bytes as 32 lowercase hex characters. */
    public static String newAccountId() {
        return randomHex(ID_HEX_LENGTH / 2);
    }

    /** A new random key id: 8 bytes as {@value AccountKey#ID_HEX_LENGTH} lowercase hex characters. */
    public static String newKeyId() {
        return randomHex(AccountKey.ID_HEX_LENGTH / 2);
    }

    /**
     * The id given to the one key of an account stored before accounts had several keys (format
     * version 1): derived from the key's hash, so it is the same on every read until the store is
     * rewritten, yet reveals nothing of the hash (it is a hash of it, under its own prefix).
     */
    static String legacyKeyId(String hashHex) {
        return HEX.formatHex(sha256(LEGACY_KEY_ID_PREFIX + hashHex)).substring(0, AccountKey.ID_HEX_LENGTH);
    }

    /** The SHA-256 of the key's UTF-8 bytes as 64 lowercase hex characters. */
    public static String hash(String key) {
        return HEX.formatHex(sha256(key));
    }

    /**
     * Whether {@code presentedKey} hashes to {@code storedHashHex}. The digests are compared with
     * {@link MessageDigest#isEqual}, whose time does not depend on where they differ.
     */
    public static boolean matches(String presentedKey, String storedHashHex) {
        if (presentedKey == null || !isHashHex(storedHashHex)) {
            return false;
        }
        return MessageDigest.isEqual(sha256(presentedKey), HEX.parseHex(storedHashHex));
    }

    /** The raw SHA-256 digest of the key's UTF-8 bytes. */
    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (MessageDigest Javadoc).
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The raw bytes of a hex digest produced by {@link #hash}. */
    static byte[] hashBytes(String hashHex) {
        return HEX.parseHex(hashHex);
    }

    /** Whether {@code value} looks like a digest produced by {@link #hash}. */
    static boolean isHashHex(String value) {
        return value != null && value.length() == HASH_HEX_LENGTH && isLowerHex(value);
    }

    static boolean isLowerHex(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static String randomHex(int bytes) {
        byte[] buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return HEX.formatHex(buffer);
    }
}
