package dev.metricsgateway.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Counts failed authentications per client address and says when an address must be turned
 * away, so nobody can try keys faster than {@code maxFailures} per window.
 *
 * <p>Semantics: an address's first failure opens a window of {@code windowMillis}; every further
 * failure inside it is counted. Once the count reaches {@code maxFailures}, the address is blocked
 * until the window ends ({@link #blockedForMillis} returns the time left), and a blocked address's
 * requests are refused without their keys being checked, so they add nothing to the count. The
 * first failure after the window ended opens a new one. Successes are not recorded and reset
 * nothing: interleaving a valid key of one's own with guesses gains an attacker nothing. Windows
 * do not overlap, so an address gets at most {@code 2 × maxFailures − 1} failures into any span of
 * {@code windowMillis} (the end of one window and the start of the next), and
 * {@code maxFailures} per window on average. Other addresses are never affected.
 *
 * <p>Memory is bounded: at most {@code maxTrackedAddresses} addresses are tracked. Entries are
 * kept in the order their windows opened, so expired ones are dropped from the front as time
 * passes (amortized O(1) per call), and when the table is full the address whose window opened
 * first is forgotten to make room. An attacker with more addresses than that can thus free the
 * oldest of them early; the cap trades that for a bounded heap (about 100 bytes per address).
 *
 * <p>The address is whatever the caller says it is (the HTTP layer passes the TCP peer's address;
 * behind a proxy every client shares the proxy's). Time is an argument ({@code nowMillis}, epoch
 * or monotonic, as long as one instance always gets the same kind): this class reads no clock.
 *
 * <p>Threading: thread-safe; every method holds this object's monitor for O(1) amortized work,
 * so event-loop threads may call it.
 */
public final class AuthFailureThrottle {

    /** Failures from one address that block it for the rest of its window. */
    public static final int DEFAULT_MAX_FAILURES = 20;

    /** Length of an address's window, in milliseconds. */
    public static final long DEFAULT_WINDOW_MILLIS = 60_000;

    /** Addresses tracked at once. */
    public static final int DEFAULT_MAX_TRACKED_ADDRESSES = 100_000;

    private final int maxFailures;
    private final long windowMillis;
    private final int maxTrackedAddresses;

    // Insertion order = order in which the windows opened: an address whose window reopens is
    // removed and put again, so the eldest entry has the earliest window end (give or take the
    // tick by which concurrent callers' nowMillis may be out of order; every lookup also checks
    // the end itself, so such an entry is merely dropped a little later).
    private final LinkedHashMap<String, Window> windows; // guarded by this

    /** A throttle with the defaults: 20 failures per 60 s, 100 000 addresses. */
    public AuthFailureThrottle() {
        this(DEFAULT_MAX_FAILURES, DEFAULT_WINDOW_MILLIS, DEFAULT_MAX_TRACKED_ADDRESSES);
    }

    /**
     * @param maxFailures         failures within one window that block the address, at least 1
     * @param windowMillis        length of a window, at least 1
     * @param maxTrackedAddresses addresses tracked at once, at least 1
     * @throws IllegalArgumentException {@code "<value>: <rule>"}
     */
    public AuthFailureThrottle(int maxFailures, long windowMillis, int maxTrackedAddresses) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException(maxFailures + ": maxFailures must be at least 1");
        }
        if (windowMillis < 1) {
            throw new IllegalArgumentException(windowMillis + ": windowMillis must be at least 1");
        }
        if (maxTrackedAddresses < 1) {
            throw new IllegalArgumentException(maxTrackedAddresses + ": maxTrackedAddresses must be at least 1");
        }
        this.maxFailures = maxFailures;
        this.windowMillis = windowMillis;
        this.maxTrackedAddresses = maxTrackedAddresses;
        this.windows = new LinkedHashMap<>();
    }

    /**
     * How long {@code address} stays blocked, from {@code nowMillis}: 0 when it may try a key,
     * otherwise the milliseconds until its window ends.
     */
    public synchronized long blockedForMillis(String address, long nowMillis) {
        Objects.requireNonNull(address, "address");
        dropExpired(nowMillis);
        Window window = windows.get(address);
        if (window == null || window.failures < maxFailures || window.endMillis <= nowMillis) {
            return 0;
        }
        return window.endMillis - nowMillis;
    }

    /** Counts one failed authentication from {@code address} at {@code nowMillis}. */
    public synchronized void recordFailure(String address, long nowMillis) {
        Objects.requireNonNull(address, "address");
        dropExpired(nowMillis);
        Window window = windows.get(address);
        if (window != null && window.endMillis <= nowMillis) {
            // Ended, but not at the front of the table yet (callers' clocks may differ by a tick).
            windows.remove(address);
            window = null;
        }
        if (window == null) {
            if (windows.size() >= maxTrackedAddresses) {
                Iterator<Window> eldest = windows.values().iterator();
                eldest.next();
                eldest.remove();
            }
            windows.put(address, new Window(nowMillis + windowMillis));
        } else if (window.failures < maxFailures) {
            // A failure recorded while blocked (a request that passed the check just before the
            // limit was reached) changes nothing: the address is blocked to the window's end anyway.
            window.failures++;
        }
    }

    /** Addresses tracked right now (including ones whose window has ended but not yet been dropped). */
    public synchronized int trackedAddresses() {
        return windows.size();
    }

    /** The configured failure limit. */
    public int maxFailures() {
        return maxFailures;
    }

    /** The configured window length, in milliseconds. */
    public long windowMillis() {
        return windowMillis;
    }

    /** Drops the windows that ended by {@code nowMillis}: they sit at the front of the table. */
    private void dropExpired(long nowMillis) {
        Iterator<Map.Entry<String, Window>> entries = windows.entrySet().iterator();
        while (entries.hasNext()) {
            if (entries.next().getValue().endMillis > nowMillis) {
                return;
            }
            entries.remove();
        }
    }

    /** One address's current window; mutable, guarded by the throttle's monitor. */
    private static final class Window {
        final long endMillis;
        int failures = 1;

        Window(long endMillis) {
            this.endMillis = endMillis;
        }
    }
}
