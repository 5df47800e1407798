package dev.metricsgateway.ingest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Remembers the batches applied under an {@code Idempotency-Key} for the dedupe window, so that a
 * client that retries a batch (as Spark replays a micro-batch after a failure) is acknowledged
 * again without its events being counted twice.
 *
 * <p>Keys are scoped to the service account that sent them. An entry holds a digest of the body,
 * so the same key with a different body is told apart from a retry. Entries expire after the
 * window; beyond {@code maxEntries} the oldest is forgotten first (a retry of it would then be
 * applied again, which the README states).
 *
 * <p><b>Across restarts</b> the applied keys travel in the aggregation checkpoint: {@link
 * #snapshot} encodes every completed, unexpired entry, and {@link #restore} brings them back, so
 * a retry right after a restart is still recognized. The snapshot is taken before the
 * aggregation state is copied: every batch it lists was applied before the copy began and so is
 * in the checkpoint (a batch being applied meanwhile may be in the state but not in the snapshot,
 * and would be applied again on a retry: counted twice rather than lost).
 *
 * <p><b>Threading.</b> All methods synchronize on the cache: only requests that carry a key come
 * here, and each holds the lock for a map operation. {@code nowMillis} is an argument.
 */
public final class IdempotencyCache {

    /** What a request under a key should do. */
    public sealed interface Decision permits Apply, Replay, Conflict, InProgress {
    }

    /** The key is new (or expired): apply the batch, then {@link #complete} or {@link #abandon}. */
    public record Apply() implements Decision {
    }

    /** The batch was applied before: answer with the same result, apply nothing. */
    public record Replay(int accepted, int late) implements Decision {
    }

    /** The key was used for a different body. */
    public record Conflict() implements Decision {
    }

    /** A request with this key and body is being applied right now. */
    public record InProgress() implements Decision {
    }

    private record Entry(byte[] bodyDigest, long createdMillis, boolean done, int accepted, int late) {
    }

    /** Longest idempotency key, header or {@code batch_id}. */
    public static final int MAX_KEY_LENGTH = 255;

    private static final int SNAPSHOT_VERSION = 1;

    private final long windowMillis;
    private final Map<String, Entry> entries;

    public IdempotencyCache(long windowMillis, int maxEntries) {
        if (windowMillis < 1 || maxEntries < 1) {
            throw new IllegalArgumentException(windowMillis + "/" + maxEntries + ": window and size must be positive");
        }
        this.windowMillis = windowMillis;
        this.entries = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** Decides what to do with a batch whose body has digest {@code bodyDigest}; reserves new keys. */
    public synchronized Decision begin(String accountId, String key, byte[] bodyDigest, long nowMillis) {
        String scoped = scoped(accountId, key);
        Entry entry = entries.get(scoped);
        if (entry != null && nowMillis - entry.createdMillis() >= windowMillis) {
            entries.remove(scoped);
            entry = null;
        }
        if (entry == null) {
            entries.put(scoped, new Entry(bodyDigest.clone(), nowMillis, false, 0, 0));
            return new Apply();
        }
        if (!Arrays.equals(entry.bodyDigest(), bodyDigest)) {
            return new Conflict();
        }
        return entry.done() ? new Replay(entry.accepted(), entry.late()) : new InProgress();
    }

    /** Records the result of a batch applied after {@link Apply}. */
    public synchronized void complete(String accountId, String key, int accepted, int late) {
        entries.computeIfPresent(scoped(accountId, key),
                (k, entry) -> new Entry(entry.bodyDigest(), entry.createdMillis(), true, accepted, late));
    }

    /** Forgets a key whose batch was not applied (it was invalid), so a corrected retry may use it. */
    public synchronized void abandon(String accountId, String key) {
        entries.remove(scoped(accountId, key));
    }

    /** Whether {@code key} is a valid idempotency key: 1 to {@value #MAX_KEY_LENGTH} visible ASCII characters. */
    public static boolean isValidKey(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /**
     * The completed entries not yet expired at {@code nowMillis}, oldest first, in a versioned
     * binary form for {@link #restore}.
     */
    public byte[] snapshot(long nowMillis) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(SNAPSHOT_VERSION);
            synchronized (this) {
                int count = 0;
                for (Entry entry : entries.values()) {
                    if (entry.done() && nowMillis - entry.createdMillis() < windowMillis) {
                        count++;
                    }
                }
                out.writeInt(count);
                for (Map.Entry<String, Entry> keyed : entries.entrySet()) {
                    Entry entry = keyed.getValue();
                    if (entry.done() && nowMillis - entry.createdMillis() < windowMillis) {
                        out.writeUTF(keyed.getKey());
                        out.writeByte(entry.bodyDigest().length);
                        out.write(entry.bodyDigest());
                        out.writeLong(entry.createdMillis());
                        out.writeInt(entry.accepted());
                        out.writeInt(entry.late());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Adds the entries of a {@link #snapshot} that are not expired at {@code nowMillis} (judged by
     * this cache's window, which may differ from the one that wrote it), oldest first, so
     * {@code maxEntries} keeps the newest.
     *
     * @return the number of entries restored
     * @throws IllegalArgumentException when {@code snapshot} is not one this class wrote; the
     *         cache is then unchanged
     */
    public int restore(byte[] snapshot, long nowMillis) {
        Map<String, Entry> read = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int version = in.readUnsignedByte();
            if (version != SNAPSHOT_VERSION) {
                throw new IllegalArgumentException("idempotency keys of format version " + version + " (this gateway reads " + SNAPSHOT_VERSION + ")");
            }
            int count = in.readInt();
            if (count < 0) {
                throw new IllegalArgumentException(count + ": not a possible number of keys");
            }
            for (int i = 0; i < count; i++) {
                String scoped = in.readUTF();
                byte[] digest = in.readNBytes(in.readUnsignedByte());
                long createdMillis = in.readLong();
                int accepted = in.readInt();
                int late = in.readInt();
                if (scoped.indexOf('\u0000') < 0 || accepted < 0 || late < 0 || late > accepted) {
                    throw new IllegalArgumentException("entry " + i + ": not an idempotency key entry");
                }
                if (nowMillis - createdMillis < windowMillis) {
                    read.put(scoped, new Entry(digest, createdMillis, true, accepted, late));
                }
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("bytes after the last key");
            }
        } catch (IOException e) { // EOFException: truncated
            throw new IllegalArgumentException("damaged idempotency keys: " + e, e);
        }
        synchronized (this) {
            read.forEach(entries::putIfAbsent);
        }
        return read.size();
    }

    public synchronized int size() {
        return entries.size();
    }

    private static String scoped(String accountId, String key) {
        return Objects.requireNonNull(accountId, "accountId") + '\u0000' + Objects.requireNonNull(key, "key");
    }
}
