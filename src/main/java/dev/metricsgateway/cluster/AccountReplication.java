package dev.metricsgateway.cluster;

import dev.metricsgateway.auth.ServiceAccountStore;
import dev.metricsgateway.files.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Makes the service accounts cluster-wide by replicating the store file itself: every member
 * keeps its own {@code <data_dir>/service-accounts.json}, which its registry re-reads within a
 * second of a change, and this class keeps the files of all members equal through one shared,
 * versioned copy.
 *
 * <p>Every {@link #sync()} (each member runs one a second): a local change (the CLI or the API
 * wrote the file) is published as the next version; a newer published version is written into the
 * local file, atomically and under the store's own lock file, so the CLI and this class never
 * interleave. A change on one member therefore works on every member within about 3 s (publish,
 * apply, registry refresh: one second each at most). Two changes made on two members within the
 * same second: the later publication wins and the other is lost (make account changes on one
 * member at a time). When a member joins, the cluster's copy replaces its local file (it may
 * have missed changes while it was away); the first member publishes its own.
 *
 * <p>Only the file's bytes travel: the store's format stays the auth package's business.
 * Thread-safe: {@link #join} and {@link #sync} are serialized by this object's monitor.
 */
final class AccountReplication {

    private static final System.Logger LOG = System.getLogger(AccountReplication.class.getName());
    static final String MAP_NAME = "metrics-gateway.accounts";
    static final String KEY = "service-accounts";

    private final SharedBytes shared;
    private final Path file;
    private final Path lockFile;
    private final String origin;
    /** The local file's content hash as last published or applied: a different hash is a local change. */
    private byte[] knownLocalHash;
    private long appliedVersion = -1;

    AccountReplication(SharedBytes shared, Path dataDir, String origin) {
        this.shared = shared;
        this.file = dataDir.resolve(ServiceAccountStore.FILE_NAME);
        this.lockFile = dataDir.resolve(ServiceAccountStore.LOCK_FILE_NAME);
        this.origin = origin;
    }

    /** A published copy: its version, the member that published it, the file's bytes. */
    private record Copy(long version, String origin, byte[] content) {

        byte[] encode() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(content.length + 64);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeLong(version);
                out.writeUTF(origin);
                out.writeInt(content.length);
                out.write(content);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        static Copy decode(byte[] bytes) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                long version = in.readLong();
                String origin = in.readUTF();
                byte[] content = in.readNBytes(in.readInt());
                return new Copy(version, origin, content);
            } catch (IOException e) {
                throw new IllegalArgumentException("damaged replicated service-account store: " + e, e);
            }
        }
    }

    /**
     * At join, before the registry loads the file: takes the cluster's copy, or publishes this
     * member's file when the cluster has none.
     *
     * @return true when the local file was replaced by the cluster's copy
     */
    synchronized boolean join() {
        byte[] current = shared.get();
        byte[] local = readLocal();
        if (current == null) {
            if (local != null && shared.compareAndSet(null, new Copy(1, origin, local).encode())) {
                knownLocalHash = hash(local);
                appliedVersion = 1;
                return false;
            }
            current = shared.get();
            if (current == null) {
                knownLocalHash = hash(local);
                return false;
            }
        }
        Copy copy = Copy.decode(current);
        boolean replaced = local == null || !Arrays.equals(hash(local), hash(copy.content()));
        if (replaced) {
            writeLocal(copy.content());
            LOG.log(Level.WARNING, "this member's service accounts were replaced by the cluster's (version " + copy.version()
                    + " from " + copy.origin() + "): keys of accounts created here while outside the cluster, a bootstrap key"
                    + " printed above included, do not work; the cluster's do");
        }
        knownLocalHash = hash(copy.content());
        appliedVersion = copy.version();
        return replaced;
    }

    /** Publishes a local change, or applies a newer published copy. Blocking (file and network I/O). */
    synchronized void sync() {
        byte[] local = readLocal();
        byte[] current = shared.get();
        Copy copy = current == null ? null : Copy.decode(current);
        if (local != null && !Arrays.equals(hash(local), knownLocalHash)) {
            long version = copy == null ? 1 : copy.version() + 1;
            if (shared.compareAndSet(current, new Copy(version, origin, local).encode())) {
                knownLocalHash = hash(local);
                appliedVersion = version;
            }
            // Otherwise another member published meanwhile: the next sync publishes over it.
            return;
        }
        if (copy != null && copy.version() > appliedVersion) {
            if (local == null || !Arrays.equals(hash(local), hash(copy.content()))) {
                writeLocal(copy.content());
            }
            knownLocalHash = hash(copy.content());
            appliedVersion = copy.version();
        }
    }

    private byte[] readLocal() {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** As the store writes it: under its lock file, replaced atomically ({@link AtomicFiles}). */
    private void writeLocal(byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                lockChannel.lock(); // released when the channel closes
                AtomicFiles.replace(file, out -> out.write(content));
            }
        } catch (OverlappingFileLockException e) {
            // The store of this very process is writing: the next sync sees its change and publishes it first.
            throw new IllegalStateException("the service-account store is being written; retried at the next sync", e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the cluster's service accounts: " + e.getMessage(), e);
        }
    }

    private static byte[] hash(byte[] content) {
        if (content == null) {
            return null;
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
