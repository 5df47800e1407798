package dev.metricsgateway.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsgateway.files.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The service accounts of one data directory, kept in {@value #FILE_NAME} (JSON, key hashes
 * only).
 *
 * <p>File format: {@code {"version": 2, "service_accounts": [{"id", "name", "description",
 * "roles", "created_at", "keys": [{"id", "key_sha256", "created_at", "expires_at"?}]}]}}.
 * Files of version 1 (one {@code "key_sha256"} per account, written before keys could be rotated)
 * are read as accounts with one key that never expires, whose id is derived from its hash; the
 * next write stores them as version 2. A gateway older than version 2 refuses a version-2 file
 * (it names the version) instead of misreading it.
 *
 * <p>Durability and concurrency: the CLI and a running server may write the same file. Every
 * write is a read-modify-write under an exclusive {@link FileChannel#lock()} on
 * {@value #LOCK_FILE_NAME}; the file is replaced with {@link AtomicFiles} (temporary file in the
 * same directory, forced to disk, atomically renamed over the old file, directory fsynced) before
 * the method returns, so a returned write survives {@code kill -9} and a power cut. Readers
 * therefore never lock: they see the old file or the new one, never half of one. A file that
 * cannot be read or parsed is reported with {@link IllegalStateException} and never overwritten,
 * so a damaged store is repaired by a human, not silently emptied.
 *
 * <p>Threading: thread-safe; every method blocks on file I/O, so call it off the event loop.
 */
public final class ServiceAccountStore {

    /** The store file inside the data directory. */
    public static final String FILE_NAME = "service-accounts.json";

    /** The lock file inside the data directory that serializes writers across processes. */
    public static final String LOCK_FILE_NAME = "service-accounts.lock";

    /** Shortest key accepted by {@link #createWithKey}: 32 characters. */
    public static final int MIN_SUPPLIED_KEY_LENGTH = 32;

    /** The version this code writes. */
    private static final int FORMAT_VERSION = 2;
    /** One key hash per account, no key ids or expiry: read and migrated, never written. */
    private static final int LEGACY_FORMAT_VERSION = 1;

    // ObjectMapper is thread-safe once configured; it is never reconfigured.
    private static final ObjectMapper MAPPER = new ObjectMapper();

    // FileChannel.lock() is held per process, not per thread: a second thread of the same JVM
    // would get OverlappingFileLockException instead of waiting. This monitor makes threads queue.
    private static final Object IN_PROCESS_WRITE_LOCK = new Object();

    private final Path dataDir;
    private final Path file;
    private final Path lockFile;
    private final InstantSource clock;

    /** A store in {@code dataDir} that stamps accounts with the system clock. */
    public ServiceAccountStore(Path dataDir) {
        this(dataDir, InstantSource.system());
    }

    /** A store in {@code dataDir} (created on the first write) that stamps accounts with {@code clock}. */
    public ServiceAccountStore(Path dataDir, InstantSource clock) {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
        this.file = this.dataDir.resolve(FILE_NAME);
        this.lockFile = this.dataDir.resolve(LOCK_FILE_NAME);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** The store file, {@code <dataDir>/service-accounts.json}. */
    public Path file() {
        return file;
    }

    /**
     * All accounts, oldest first; empty when the file does not exist yet.
     *
     * @throws IllegalStateException when the file cannot be read or is corrupt
     */
    public List<ServiceAccount> list() {
        return read();
    }

    /** Whether the store holds no account. */
    public boolean isEmpty() {
        return read().isEmpty();
    }

    /**
     * Creates an account with a freshly generated key.
     *
     * @throws IllegalArgumentException when name, description or roles are invalid
     */
    public CreatedServiceAccount create(String name, String description, Set<Role> roles) {
        return create(name, description, roles, KeyExpiry.NEVER);
    }

    /**
     * Creates an account with a freshly generated key that expires as {@code expiry} says,
     * counted from now on this store's clock.
     *
     * @throws IllegalArgumentException when name, description or roles are invalid, or the expiry
     *         is not in the future
     */
    public CreatedServiceAccount create(String name, String description, Set<Role> roles, KeyExpiry expiry) {
        String key = ApiKeys.generate();
        ServiceAccount account = newAccount(name, description, roles, key, expiry);
        update(accounts -> {
            accounts.add(account);
            return null;
        });
        return new CreatedServiceAccount(account, key);
    }

    /**
     * Creates an account whose key the operator chose (the bootstrap key from
     * {@code METRICS_GATEWAY_BOOTSTRAP_KEY}).
     *
     * @throws IllegalArgumentException when the key is shorter than {@value #MIN_SUPPLIED_KEY_LENGTH}
     *         characters, contains anything but visible ASCII, is already in use, or the other
     *         arguments are invalid; the message never contains the key
     */
    public CreatedServiceAccount createWithKey(String name, String description, Set<Role> roles,
                                               String plaintextKey) {
        ServiceAccount account = newAccount(name, description, roles, requireUsableKey(plaintextKey), KeyExpiry.NEVER);
        update(accounts -> {
            requireUnusedKey(accounts, account);
            accounts.add(account);
            return null;
        });
        return new CreatedServiceAccount(account, plaintextKey);
    }

    /**
     * Creates an account only if the store is empty, atomically with respect to other writers, so
     * two servers starting on the same empty directory create one bootstrap account, not two.
     *
     * @param plaintextKeyOrNull the key to use, or {@code null} to generate one
     * @return the account, or empty when the store already held accounts
     */
    Optional<CreatedServiceAccount> createIfEmpty(String name, String description, Set<Role> roles,
                                                  String plaintextKeyOrNull) {
        String key = plaintextKeyOrNull == null ? ApiKeys.generate() : requireUsableKey(plaintextKeyOrNull);
        ServiceAccount account = newAccount(name, description, roles, key, KeyExpiry.NEVER);
        boolean created = update(accounts -> {
            if (!accounts.isEmpty()) {
                return false;
            }
            accounts.add(account);
            return true;
        });
        return created ? Optional.of(new CreatedServiceAccount(account, key)) : Optional.empty();
    }

    /**
     * Deletes the account with this id.
     *
     * @return whether it existed
     */
    public boolean delete(String id) {
        return update(accounts -> accounts.removeIf(account -> account.id().equals(id)));
    }

    /**
     * Issues a second key to an account, for rotation with overlap: the new key works at once
     * (on a running server within seconds), and the old one keeps working until
     * {@link #revokeKey revoked} or expired.
     *
     * @param expiry when the new key expires, counted from now on this store's clock
     * @return the new key, or empty when no account has this id (nothing is written)
     * @throws KeyLimitException when the account already holds {@value ServiceAccount#MAX_KEYS}
     *         keys (nothing is written)
     * @throws IllegalArgumentException when the expiry is not in the future
     */
    public Optional<IssuedKey> rotate(String accountId, KeyExpiry expiry) {
        Objects.requireNonNull(expiry, "expiry");
        String plaintextKey = ApiKeys.generate();
        Instant now = now();
        Instant expiresAt = expiry.resolve(now).orElse(null);
        return update(accounts -> {
            for (int i = 0; i < accounts.size(); i++) {
                ServiceAccount account = accounts.get(i);
                if (!account.id().equals(accountId)) {
                    continue;
                }
                if (account.keys().size() >= ServiceAccount.MAX_KEYS) {
                    throw new KeyLimitException(account);
                }
                AccountKey key = new AccountKey(unusedKeyId(account), ApiKeys.hash(plaintextKey), now, expiresAt);
                ServiceAccount rotated = account.withKey(key);
                accounts.set(i, rotated);
                return Optional.of(new IssuedKey(rotated, key, plaintextKey));
            }
            return Optional.empty();
        });
    }

    /**
     * Revokes one key of an account; it stops working (on a running server within seconds). The
     * account's only key is never revoked: rotate first, or delete the account.
     *
     * @return what happened; only {@link KeyRevocation#REVOKED} writes the store
     */
    public KeyRevocation revokeKey(String accountId, String keyId) {
        return update(accounts -> {
            for (int i = 0; i < accounts.size(); i++) {
                ServiceAccount account = accounts.get(i);
                if (!account.id().equals(accountId)) {
                    continue;
                }
                if (account.key(keyId).isEmpty()) {
                    return KeyRevocation.UNKNOWN_KEY;
                }
                if (account.keys().size() == 1) {
                    return KeyRevocation.ONLY_KEY;
                }
                accounts.set(i, account.withoutKey(keyId));
                return KeyRevocation.REVOKED;
            }
            return KeyRevocation.UNKNOWN_ACCOUNT;
        });
    }

    /** The current signature of the store file, read without locking. */
    FileSignature signature() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileSignature(true, attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        } catch (NoSuchFileException e) {
            return FileSignature.ABSENT;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read file attributes: " + e.getMessage(), e);
        }
    }

    private ServiceAccount newAccount(String name, String description, Set<Role> roles, String key, KeyExpiry expiry) {
        Objects.requireNonNull(expiry, "expiry");
        Instant createdAt = now();
        AccountKey accountKey = new AccountKey(ApiKeys.newKeyId(), ApiKeys.hash(key), createdAt,
                expiry.resolve(createdAt).orElse(null));
        return new ServiceAccount(ApiKeys.newAccountId(), name, description, roles, List.of(accountKey), createdAt);
    }

    /** Now on this store's clock, in the millisecond precision the file keeps. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static String unusedKeyId(ServiceAccount account) {
        String id = ApiKeys.newKeyId();
        // 64 random bits collide with the account's other key about never; checking costs nothing.
        while (account.key(id).isPresent()) {
            id = ApiKeys.newKeyId();
        }
        return id;
    }

    private static String requireUsableKey(String key) {
        if (key == null || key.length() < MIN_SUPPLIED_KEY_LENGTH) {
            throw new IllegalArgumentException("supplied API key: must be at least "
                    + MIN_SUPPLIED_KEY_LENGTH + " characters");
        }
        // The key travels as one token of an Authorization header: no blanks, no control characters.
        if (!key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("supplied API key: must be visible ASCII characters without spaces");
        }
        return key;
    }

    private static void requireUnusedKey(List<ServiceAccount> accounts, ServiceAccount account) {
        String hash = account.keys().get(0).hash();
        for (ServiceAccount existing : accounts) {
            for (AccountKey key : existing.keys()) {
                if (key.hash().equals(hash)) {
                    throw new IllegalArgumentException("supplied API key: already belongs to service account "
                            + existing.id());
                }
            }
        }
    }

    /** A change applied to a mutable copy of the accounts while the write lock is held. */
    @FunctionalInterface
    private interface Mutation<T> {
        T apply(List<ServiceAccount> accounts);
    }

    private <T> T update(Mutation<T> mutation) {
        synchronized (IN_PROCESS_WRITE_LOCK) {
            createDataDir();
            try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                // The lock file is never deleted: a writer waiting on it would then hold a lock on
                // a file the next writer no longer sees.
                FileLock lock = lockChannel.lock();
                try {
                    // Temp files a crashed writer left behind; safe to delete while we hold the lock.
                    AtomicFiles.deleteStaleTempFiles(dataDir, FILE_NAME);
                    List<ServiceAccount> current = read();
                    List<ServiceAccount> next = new ArrayList<>(current);
                    T result = mutation.apply(next);
                    if (!next.equals(current)) {
                        write(next);
                    }
                    return result;
                } finally {
                    lock.release();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(lockFile + ": cannot lock the service-account store: "
                        + e.getMessage(), e);
            }
        }
    }

    private void createDataDir() {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(dataDir + ": cannot create the data directory: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the file; when this returns, the new content and the rename are on disk (the
     * mode is 0600 on POSIX). A failure leaves the old file as it was.
     */
    private void write(List<ServiceAccount> accounts) {
        byte[] bytes = encode(accounts);
        try {
            AtomicFiles.replace(file, out -> out.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write service accounts: " + e.getMessage(), e);
        }
    }

    private List<ServiceAccount> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot read the service-account store: " + e.getMessage(), e);
        }
        return decode(bytes);
    }

    private List<ServiceAccount> decode(byte[] bytes) {
        StoredFile stored;
        try {
            stored = MAPPER.readValue(bytes, StoredFile.class);
        } catch (JsonProcessingException e) {
            // getOriginalMessage() leaves out the source excerpt: the file's content stays out of logs.
            throw corrupt(e.getOriginalMessage() + at(e.getLocation()), e);
        } catch (IOException e) {
            throw corrupt(e.getMessage(), e);
        }
        if (stored == null) {
            throw corrupt("the file holds no JSON object", null);
        }
        Integer version = stored.version();
        if (version == null || (version != FORMAT_VERSION && version != LEGACY_FORMAT_VERSION)) {
            throw corrupt("unsupported format version " + version + " (expected " + LEGACY_FORMAT_VERSION
                    + " or " + FORMAT_VERSION + ")", null);
        }
        if (stored.serviceAccounts() == null) {
            throw corrupt("\"service_accounts\" is missing", null);
        }
        List<ServiceAccount> accounts = new ArrayList<>(stored.serviceAccounts().size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < stored.serviceAccounts().size(); i++) {
            ServiceAccount account;
            try {
                StoredAccount storedAccount = Objects.requireNonNull(stored.serviceAccounts().get(i), "null instead of an account");
                account = version == LEGACY_FORMAT_VERSION ? storedAccount.fromVersion1() : storedAccount.toAccount();
            } catch (IllegalArgumentException | DateTimeParseException | NullPointerException e) {
                throw corrupt("service_accounts[" + i + "]: " + e.getMessage(), e);
            }
            if (!ids.add(account.id())) {
                throw corrupt("service_accounts[" + i + "]: duplicate id " + account.id(), null);
            }
            accounts.add(account);
        }
        return List.copyOf(accounts);
    }

    private static String at(JsonLocation location) {
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private IllegalStateException corrupt(String problem, Throwable cause) {
        return new IllegalStateException(file + ": corrupt service-account store, left untouched: " + problem, cause);
    }

    private static byte[] encode(List<ServiceAccount> accounts) {
        List<StoredAccount> stored = accounts.stream().map(StoredAccount::of).toList();
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(new StoredFile(FORMAT_VERSION, stored));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode service accounts", e);
        }
    }

    /** The file's JSON shape. */
    record StoredFile(@JsonProperty("version") Integer version,
                      @JsonProperty("service_accounts") List<StoredAccount> serviceAccounts) {
    }

    /**
     * One account's JSON shape: roles by wire name, times as ISO-8601, keys as their SHA-256.
     * Version 1 had {@code key_sha256} on the account; version 2 has {@code keys}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StoredAccount(@JsonProperty("id") String id,
                         @JsonProperty("name") String name,
                         @JsonProperty("description") String description,
                         @JsonProperty("roles") List<String> roles,
                         @JsonProperty("key_sha256") String keySha256,
                         @JsonProperty("created_at") String createdAt,
                         @JsonProperty("keys") List<StoredKey> keys) {

        static StoredAccount of(ServiceAccount account) {
            return new StoredAccount(account.id(), account.name(), account.description(),
                    account.roles().stream().map(Role::wireName).toList(), null,
                    account.createdAt().toString(), account.keys().stream().map(StoredKey::of).toList());
        }

        ServiceAccount toAccount() {
            if (keySha256 != null) {
                throw new IllegalArgumentException("key_sha256 belongs to format version 1; version 2 has keys");
            }
            Objects.requireNonNull(keys, "keys is missing");
            List<AccountKey> parsedKeys = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                try {
                    parsedKeys.add(Objects.requireNonNull(keys.get(i), "null instead of a key").toKey());
                } catch (IllegalArgumentException | DateTimeParseException | NullPointerException e) {
                    throw new IllegalArgumentException("keys[" + i + "]: " + e.getMessage(), e);
                }
            }
            return account(parsedKeys);
        }

        /** A version-1 account: its one key never expires, was issued with it, and gets a derived id. */
        ServiceAccount fromVersion1() {
            if (keys != null) {
                throw new IllegalArgumentException("keys belongs to format version 2; version 1 has key_sha256");
            }
            Objects.requireNonNull(createdAt, "created_at is missing");
            if (!ApiKeys.isHashHex(keySha256)) {
                // The value is deliberately not echoed: it is key material.
                throw new IllegalArgumentException("key_sha256: must be " + ApiKeys.HASH_HEX_LENGTH
                        + " lowercase hex characters");
            }
            AccountKey key = new AccountKey(ApiKeys.legacyKeyId(keySha256), keySha256, Instant.parse(createdAt), null);
            return account(List.of(key));
        }

        private ServiceAccount account(List<AccountKey> parsedKeys) {
            Objects.requireNonNull(roles, "roles is missing");
            Objects.requireNonNull(createdAt, "created_at is missing");
            Set<Role> parsedRoles = new HashSet<>();
            for (String role : roles) {
                parsedRoles.add(Role.parse(role));
            }
            return new ServiceAccount(id, name, description, parsedRoles, parsedKeys, Instant.parse(createdAt));
        }
    }

    /** One key's JSON shape; {@code expires_at} is left out for a key that never expires. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StoredKey(@JsonProperty("id") String id,
                     @JsonProperty("key_sha256") String keySha256,
                     @JsonProperty("created_at") String createdAt,
                     @JsonProperty("expires_at") String expiresAt) {

        static StoredKey of(AccountKey key) {
            return new StoredKey(key.id(), key.hash(), key.createdAt().toString(),
                    key.expiresAt() == null ? null : key.expiresAt().toString());
        }

        AccountKey toKey() {
            Objects.requireNonNull(createdAt, "created_at is missing");
            return new AccountKey(id, keySha256, Instant.parse(createdAt), expiresAt == null ? null : Instant.parse(expiresAt));
        }
    }
}
