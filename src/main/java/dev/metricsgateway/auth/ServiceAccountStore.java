package dev.metricsgateway.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * <p>Durability and concurrency: the CLI and a running server may write the same file. Every
 * write is a read-modify-write under an exclusive {@link FileChannel#lock()} on
 * {@value #LOCK_FILE_NAME}; the new content goes to a temporary file in the same directory, is
 * forced to disk, atomically renamed over the old file, and the directory is fsynced. Readers
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

    private static final int FORMAT_VERSION = 1;
    private static final String TEMP_SUFFIX = ".tmp";

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
        String key = ApiKeys.generate();
        ServiceAccount account = newAccount(name, description, roles, key);
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
        ServiceAccount account = newAccount(name, description, roles, requireUsableKey(plaintextKey));
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
        ServiceAccount account = newAccount(name, description, roles, key);
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

    private ServiceAccount newAccount(String name, String description, Set<Role> roles, String key) {
        Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return new ServiceAccount(ApiKeys.newAccountId(), name, description, roles, ApiKeys.hash(key), createdAt);
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
        for (ServiceAccount existing : accounts) {
            if (existing.keyHash().equals(account.keyHash())) {
                throw new IllegalArgumentException("supplied API key: already belongs to service account "
                        + existing.id());
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
                    deleteStaleTempFiles();
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

    private void write(List<ServiceAccount> accounts) {
        byte[] bytes = encode(accounts);
        Path temp = null;
        try {
            // createTempFile gives the file mode 0600 on POSIX, and the rename keeps it.
            temp = Files.createTempFile(dataDir, FILE_NAME + ".", TEMP_SUFFIX);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write service accounts: " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
            }
        }
        fsyncDirectory();
    }

    /** Makes the rename itself durable; without it a crash could bring the old file back. */
    private void fsyncDirectory() {
        try (FileChannel directory = FileChannel.open(dataDir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) refuse to open a directory; the rename is all they offer.
        }
    }

    /** Removes temp files a crashed writer left behind; safe because we hold the write lock. */
    private void deleteStaleTempFiles() {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(dataDir, FILE_NAME + ".*" + TEMP_SUFFIX)) {
            for (Path path : stale) {
                deleteQuietly(path);
            }
        } catch (IOException e) {
            // Leftovers waste a few bytes; they never affect correctness.
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // Best effort: the next writer tries again.
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
        if (stored.version() == null || stored.version() != FORMAT_VERSION) {
            throw corrupt("unsupported format version " + stored.version() + " (expected " + FORMAT_VERSION + ")", null);
        }
        if (stored.serviceAccounts() == null) {
            throw corrupt("\"service_accounts\" is missing", null);
        }
        List<ServiceAccount> accounts = new ArrayList<>(stored.serviceAccounts().size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < stored.serviceAccounts().size(); i++) {
            ServiceAccount account;
            try {
                account = stored.serviceAccounts().get(i).toAccount();
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

    /** One account's JSON shape: roles by wire name, time as ISO-8601, key as its SHA-256. */
    record StoredAccount(@JsonProperty("id") String id,
                         @JsonProperty("name") String name,
                         @JsonProperty("description") String description,
                         @JsonProperty("roles") List<String> roles,
                         @JsonProperty("key_sha256") String keySha256,
                         @JsonProperty("created_at") String createdAt) {

        static StoredAccount of(ServiceAccount account) {
            return new StoredAccount(account.id(), account.name(), account.description(),
                    account.roles().stream().map(Role::wireName).toList(), account.keyHash(),
                    account.createdAt().toString());
        }

        ServiceAccount toAccount() {
            Objects.requireNonNull(roles, "roles is missing");
            Objects.requireNonNull(createdAt, "created_at is missing");
            Set<Role> parsedRoles = new HashSet<>();
            for (String role : roles) {
                parsedRoles.add(Role.parse(role));
            }
            return new ServiceAccount(id, name, description, parsedRoles, keySha256, Instant.parse(createdAt));
        }
    }
}
