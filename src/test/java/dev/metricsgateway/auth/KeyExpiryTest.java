package dev.metricsgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KeyExpiryTest {

    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

    private static Instant expiresIn(String text) {
        return KeyExpiry.parseExpiresIn(text).resolve(NOW).orElseThrow();
    }

    @Test
    void shortDurationsCountDaysHoursMinutesAndSecondsFromIssue() {
        assertThat(expiresIn("30d")).isEqualTo(NOW.plus(Duration.ofDays(30)));
        assertThat(expiresIn("12h")).isEqualTo(NOW.plus(Duration.ofHours(12)));
        assertThat(expiresIn("90m")).isEqualTo(NOW.plus(Duration.ofMinutes(90)));
        assertThat(expiresIn("45s")).isEqualTo(NOW.plusSeconds(45));
        assertThat(expiresIn(" 7D ")).as("case and blanks").isEqualTo(NOW.plus(Duration.ofDays(7)));
    }

    @Test
    void isoDurationsOfDaysAndTimeAreAccepted() {
        assertThat(expiresIn("P30D")).isEqualTo(NOW.plus(Duration.ofDays(30)));
        assertThat(expiresIn("PT12H")).isEqualTo(NOW.plus(Duration.ofHours(12)));
        assertThat(expiresIn("P1DT12H")).isEqualTo(NOW.plus(Duration.ofHours(36)));
    }

    @Test
    void malformedDurationsAreRejectedNamingTheValueAndTheAcceptedForms() {
        for (String bad : new String[] {"30", "d", "30 days", "1w", "-5d", "P1M", "P1Y", "", "1.5h"}) {
            assertThatThrownBy(() -> KeyExpiry.parseExpiresIn(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("30d, 12h");
        }
    }

    @Test
    void zeroAndNegativeLifetimesAreRejected() {
        assertThatThrownBy(() -> KeyExpiry.parseExpiresIn("0d")).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> KeyExpiry.parseExpiresIn("PT-1H")).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> KeyExpiry.after(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lifetimesBeyondAHundredYearsAreRejected() {
        assertThat(expiresIn("36500d")).isEqualTo(NOW.plus(Duration.ofDays(36_500)));
        assertThatThrownBy(() -> KeyExpiry.parseExpiresIn("36501d")).hasMessageContaining("at most 36500 days");
        assertThatThrownBy(() -> KeyExpiry.parseExpiresIn("999999999d")).hasMessageContaining("at most 36500 days");
    }

    @Test
    void anExpiryAtIsAnIsoInstantWithZOrAnOffset() {
        assertThat(KeyExpiry.parseExpiresAt("2024-06-01T00:00:00Z").resolve(NOW)).contains(Instant.parse("2024-06-01T00:00:00Z"));
        assertThat(KeyExpiry.parseExpiresAt("2024-06-01T02:00:00+02:00").resolve(NOW))
                .contains(Instant.parse("2024-06-01T00:00:00Z"));
        assertThatThrownBy(() -> KeyExpiry.parseExpiresAt("2024-06-01"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2024-06-01: expected an ISO-8601 instant");
    }

    @Test
    void anExpiryAtMustLieInTheFuture() {
        assertThatThrownBy(() -> KeyExpiry.at(NOW).resolve(NOW)).hasMessageContaining("must be in the future");
        assertThatThrownBy(() -> KeyExpiry.at(NOW.minusSeconds(1)).resolve(NOW)).hasMessageContaining("must be in the future");
        assertThat(KeyExpiry.at(NOW.plusMillis(1)).resolve(NOW)).contains(NOW.plusMillis(1));
        assertThatThrownBy(() -> KeyExpiry.at(NOW.plus(Duration.ofDays(36_501))).resolve(NOW))
                .hasMessageContaining("at most 36500 days ahead");
    }

    @Test
    void neverResolvesToNoExpiry() {
        assertThat(KeyExpiry.NEVER.resolve(NOW)).isEmpty();
    }
}
