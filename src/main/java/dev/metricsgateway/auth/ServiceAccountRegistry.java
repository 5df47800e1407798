package dev.metricsgateway.auth;

import java.lang.System.Logger.Level;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's view of the service accounts: an immutable snapshot of the store, swapped whole
 * when the store file changes, against which presented keys are checked.
 *
 * <p>Threading: {@link #authenticate} and {@link #accounts} read a {@code volatile} snapshot and
 * never block, so the event loop may call them. {@link #refreshIfChanged} and {@link #reload}
 * read the file: they block, must run on a worker thread (the server polls
 * {@code refreshIfChanged} every second, so accounts created by the CLI work within seconds), and
 * are serialized by this object's monitor.
 */
public final class ServiceAccountRegistry {

    private static final System.Logger LOG = System.getLogger(ServiceAccountRegistry.class.getName());

    private final ServiceAccountStore store;
    private volatile Snapshot snapshot;
    private String lastProblem; // guarded by this

    /**
     * Loads the accounts of {@code store} (blocking).
     *
     * @throws IllegalStateException when the store file is corrupt: the server should not start
     */
    public ServiceAccountRegistry(ServiceAccountStore store) {
        this.store = Objects.requireNonNull(store, "store");
        FileSignature signature = store.signature();
        this.snapshot = Snapshot.of(signature, store.list());
    }

    /**
     * Re-reads the store if its file changed (modification time, size or identity) since the
     * last load. Blocking. A file that became corrupt or unreadable is logged and the previous
     * accounts stay in force, so a bad hand edit does not lock every client out.
     *
     * @return whether a new snapshot was installed
     */
    public synchronized boolean refreshIfChanged() {
        FileSignature signature;
        try {
            signature = store.signature();
        } catch (RuntimeException e) {
            report(e);
            return false;
        }
        if (signature.equals(snapshot.signature())) {
            return false;
        }
        try {
            // The signature is read before the content: if the file changes in between, the next
            // poll sees a signature it has not loaded and reads again; the reverse order could miss it.
            snapshot = Snapshot.of(signature, store.list());
            lastProblem = null;
            return true;
        } catch (IllegalStateException e) {
            // Remember the signature so the broken file is not re-parsed (and re-logged) every second.
            snapshot = new Snapshot(signature, snapshot.entries());
            report(e);
            return false;
        } catch (RuntimeException e) {
            report(e);
            return false;
        }
    }

    /**
     * Re-reads the store unconditionally (blocking), e.g. right after this process wrote it.
     *
     * @throws IllegalStateException when the store file is corrupt; the old accounts stay in force
     */
    public synchronized void reload() {
        FileSignature signature = store.signature();
        snapshot = Snapshot.of(signature, store.list());
        lastProblem = null;
    }

    /**
     * The account whose key is {@code presentedKey}, if any. The key's hash is compared with every
     * account's hash by {@link MessageDigest#isEqual}, without stopping at a match, so the time
     * taken does not reveal which account (or whether any) matched.
     */
    public Optional<ServiceAccount> authenticate(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] presentedHash = ApiKeys.sha256(presentedKey);
        ServiceAccount match = null;
        for (Entry entry : snapshot.entries()) {
            boolean equal = MessageDigest.isEqual(presentedHash, entry.keyHash());
            match = equal ? entry.account() : match;
        }
        return Optional.ofNullable(match);
    }

    /** The accounts of the current snapshot, oldest first. */
    public List<ServiceAccount> accounts() {
        return snapshot.entries().stream().map(Entry::account).toList();
    }

    private void report(RuntimeException e) {
        String problem = e.getMessage();
        if (!Objects.equals(problem, lastProblem)) {
            LOG.log(Level.WARNING, "keeping the previous service accounts: " + problem);
            lastProblem = problem;
        }
    }

    /** An account with its raw key hash, decoded once per load instead of once per request. */
    private record Entry(ServiceAccount account, byte[] keyHash) {
    }

    private record Snapshot(FileSignature signature, List<Entry> entries) {

        static Snapshot of(FileSignature signature, List<ServiceAccount> accounts) {
            List<Entry> entries = accounts.stream()
                    .map(account -> new Entry(account, ApiKeys.hashBytes(account.keyHash())))
                    .toList();
            return new Snapshot(signature, entries);
        }
    }
}
