package dev.metricsgateway.auth;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a new key should stop working, as the operator said it: never, after a duration
 * ({@code --expires-in 30d}, {@code "expires_in": "12h"}) or at an instant
 * ({@code --expires-at 2025-12-31T00:00:00Z}). The store turns it into an instant with its own
 * clock when it issues the key ({@link #resolve}), so "30d" counts from the moment of issue.
 *
 * <p>Durations: a positive whole number with the unit {@code d}, {@code h}, {@code m} or
 * {@code s} ({@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}), or an ISO-8601 duration of days
 * and time ({@code P30D}, {@code PT12H}, {@code P1DT12H}; months and years are ambiguous and not
 * accepted). Instants: ISO-8601 with {@code Z} or an offset ({@code 2025-12-31T00:00:00Z}).
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface KeyExpiry {

    /** How far ahead an expiry may lie: far beyond any sensible key lifetime, well within {@link Instant}. */
    Duration MAX_LIFETIME = Duration.ofDays(36_500);

    /** A key that never expires. */
    KeyExpiry NEVER = new Never();

    /**
     * The expiry instant for a key issued at {@code now}; empty for {@link #NEVER}.
     *
     * @throws IllegalArgumentException when the expiry is not after {@code now}, or lies more
     *         than {@link #MAX_LIFETIME} ahead
     */
    Optional<Instant> resolve(Instant now);

    /** Expires {@code lifetime} after the key is issued. */
    static KeyExpiry after(Duration lifetime) {
        return new After(lifetime);
    }

    /** Expires at {@code instant}. */
    static KeyExpiry at(Instant instant) {
        return new At(instant);
    }

    /**
     * Parses an {@code expires-in} value: {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s} or
     * ISO-8601 {@code P30D}/{@code PT12H}.
     *
     * @throws IllegalArgumentException {@code "<text>: <what is expected>"}
     */
    static KeyExpiry parseExpiresIn(String text) {
        return after(parseDuration(text));
    }

    /**
     * Parses an {@code expires-at} value: an ISO-8601 instant such as {@code 2025-12-31T00:00:00Z}.
     *
     * @throws IllegalArgumentException {@code "<text>: <what is expected>"}
     */
    static KeyExpiry parseExpiresAt(String text) {
        try {
            return at(Instant.parse(Objects.requireNonNull(text, "expires-at").strip()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(text + ": expected an ISO-8601 instant such as 2025-12-31T00:00:00Z");
        }
    }

    /** Never expires. */
    record Never() implements KeyExpiry {
        @Override
        public Optional<Instant> resolve(Instant now) {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "never";
        }
    }

    /** Expires a fixed time after issue. @param lifetime positive, at most {@link #MAX_LIFETIME} */
    record After(Duration lifetime) implements KeyExpiry {
        public After {
            Objects.requireNonNull(lifetime, "lifetime");
            if (lifetime.isNegative() || lifetime.isZero()) {
                throw new IllegalArgumentException(lifetime + ": a key lifetime must be positive");
            }
            if (lifetime.compareTo(MAX_LIFETIME) > 0) {
                throw new IllegalArgumentException(lifetime + ": a key lifetime must be at most "
                        + MAX_LIFETIME.toDays() + " days");
            }
        }

        @Override
        public Optional<Instant> resolve(Instant now) {
            return Optional.of(now.plus(lifetime));
        }

        @Override
        public String toString() {
            return "in " + lifetime;
        }
    }

    /** Expires at a fixed instant. */
    record At(Instant instant) implements KeyExpiry {
        public At {
            Objects.requireNonNull(instant, "instant");
        }

        @Override
        public Optional<Instant> resolve(Instant now) {
            if (!instant.isAfter(now)) {
                throw new IllegalArgumentException(instant + ": the expiry must be in the future (now is " + now + ")");
            }
            if (Duration.between(now, instant).compareTo(MAX_LIFETIME) > 0) {
                throw new IllegalArgumentException(instant + ": the expiry must be at most "
                        + MAX_LIFETIME.toDays() + " days ahead");
            }
            return Optional.of(instant);
        }

        @Override
        public String toString() {
            return "at " + instant;
        }
    }

    private static Duration parseDuration(String text) {
        String expected = "expected a duration such as 30d, 12h, 90m, 45s or ISO-8601 P30D";
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("\"\": " + expected);
        }
        String value = text.strip().toLowerCase(Locale.ROOT);
        Matcher matcher = Pattern.compile("([0-9]{1,9})([dhms])").matcher(value);
        Duration duration;
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            duration = switch (matcher.group(2)) {
                case "d" -> Duration.ofDays(amount);
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofSeconds(amount);
            };
        } else if (value.startsWith("p")) {
            try {
                duration = Duration.parse(value);
            } catch (DateTimeException | ArithmeticException e) {
                throw new IllegalArgumentException(text + ": " + expected + " (days and time only, no months or years)");
            }
        } else {
            throw new IllegalArgumentException(text + ": " + expected);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(text + ": a key lifetime must be positive");
        }
        if (duration.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException(text + ": a key lifetime must be at most " + MAX_LIFETIME.toDays() + " days");
        }
        return duration;
    }
}
