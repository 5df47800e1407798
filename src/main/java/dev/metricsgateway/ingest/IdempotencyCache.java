package dev.metricsgateway.ingest;

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

    public synchronized int size() {
        return entries.size();
    }

    private static String scoped(String accountId, String key) {
        return Objects.requireNonNull(accountId, "accountId") + '\u0000' + Objects.requireNonNull(key, "key");
    }
}
