package dev.metricsgateway.auth;

import java.lang.System.Logger.Level;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's view of the service accounts: an immutable snapshot of the store, swapped whole
 * when the store file changes, against which presented keys are checked.
 *
 * <p>Every key of every account is checked; a key authenticates only while it has not expired on
 * the registry's clock ({@code now < expires_at}), so an expired key is as unknown as a revoked
 * one, to the millisecond and without waiting for a reload. A revoked key or a deleted account
 * stops working at the first refresh after the store changed (the server refreshes every second).
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
    private final InstantSource clock;
    private volatile Snapshot snapshot;
    private String lastProblem; // guarded by this

    /**
     * Loads the accounts of {@code store} (blocking); key expiry is judged by the system clock.
     *
     * @throws IllegalStateException when the store file is corrupt: the server should not start
     */
    public ServiceAccountRegistry(ServiceAccountStore store) {
        this(store, InstantSource.system());
    }

    /**
     * Loads the accounts of {@code store} (blocking); key expiry is judged by {@code clock}.
     *
     * @throws IllegalStateException when the store file is corrupt: the server should not start
     */
    public ServiceAccountRegistry(ServiceAccountStore store, InstantSource clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
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
            snapshot = snapshot.withSignature(signature);
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
     * The account holding {@code presentedKey} as an unexpired key at the clock's current time,
     * if any. See {@link #authenticate(String, long)}.
     */
    public Optional<ServiceAccount> authenticate(String presentedKey) {
        return authenticate(presentedKey, clock.millis());
    }

    /**
     * The account holding {@code presentedKey} as a key unexpired at {@code nowMillis}, if any.
     * The key's hash is compared with every key's hash by {@link MessageDigest#isEqual}, without
     * stopping at a match, and expiry is checked for every key alike, so the time taken does not
     * reveal which account or key (or whether any) matched, nor whether a matching key expired.
     */
    public Optional<ServiceAccount> authenticate(String presentedKey, long nowMillis) {
        if (presentedKey == null || presentedKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] presentedHash = ApiKeys.sha256(presentedKey);
        ServiceAccount match = null;
        for (Entry entry : snapshot.entries()) {
            // Non-short-circuit '&': both checks run for every key.
            boolean valid = MessageDigest.isEqual(presentedHash, entry.keyHash()) & nowMillis < entry.expiresAtMillis();
            match = valid ? entry.account() : match;
        }
        return Optional.ofNullable(match);
    }

    /** The accounts of the current snapshot, oldest first. */
    public List<ServiceAccount> accounts() {
        return snapshot.accounts();
    }

    private void report(RuntimeException e) {
        String problem = e.getMessage();
        if (!Objects.equals(problem, lastProblem)) {
            LOG.log(Level.WARNING, "keeping the previous service accounts: " + problem);
            lastProblem = problem;
        }
    }

    /**
     * One key of an account with its raw hash and expiry, decoded once per load instead of once
     * per request.
     *
     * @param expiresAtMillis epoch milliseconds from which the key no longer works;
     *                        {@link Long#MAX_VALUE} for a key that never expires
     */
    private record Entry(ServiceAccount account, byte[] keyHash, long expiresAtMillis) {
    }

    private record Snapshot(FileSignature signature, List<ServiceAccount> accounts, List<Entry> entries) {

        static Snapshot of(FileSignature signature, List<ServiceAccount> accounts) {
            List<Entry> entries = new ArrayList<>();
            for (ServiceAccount account : accounts) {
                for (AccountKey key : account.keys()) {
                    long expiresAtMillis = key.expiresAt() == null ? Long.MAX_VALUE : key.expiresAt().toEpochMilli();
                    entries.add(new Entry(account, ApiKeys.hashBytes(key.hash()), expiresAtMillis));
                }
            }
            return new Snapshot(signature, List.copyOf(accounts), List.copyOf(entries));
        }

        /** The same accounts, remembered under another signature. */
        Snapshot withSignature(FileSignature newSignature) {
            return new Snapshot(newSignature, accounts, entries);
        }
    }
}
