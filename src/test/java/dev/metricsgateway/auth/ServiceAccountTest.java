package dev.metricsgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceAccountTest {

    private static final String ID = "0123456789abcdef0123456789abcdef";
    private static final String HASH = ApiKeys.hash("some-key-that-is-long-enough-for-a-test");
    private static final Instant CREATED = Instant.parse("2024-05-01T12:00:00Z");

    private static ServiceAccount account(String name, String description, Set<Role> roles) {
        return new ServiceAccount(ID, name, description, roles, HASH, CREATED);
    }

    @Test
    void nullDescriptionBecomesEmpty() {
        assertThat(account("scraper", null, Set.of(Role.METRICS_READER)).description()).isEmpty();
    }

    @Test
    void rolesAreAnImmutableCopy() {
        EnumSet<Role> roles = EnumSet.of(Role.METRICS_READER);
        ServiceAccount account = account("scraper", "", roles);
        roles.add(Role.ADMIN);

        assertThat(account.roles()).containsExactly(Role.METRICS_READER);
        assertThatThrownBy(() -> account.roles().add(Role.ADMIN)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void emptyOrBlankNamesAreRejected() {
        assertThatThrownBy(() -> account("", "", Set.of(Role.ADMIN))).hasMessageContaining("name must not be empty");
        assertThatThrownBy(() -> account("  ", "", Set.of(Role.ADMIN))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> account(null, "", Set.of(Role.ADMIN))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesLongerThan128CharactersAreRejected() {
        assertThat(account("n".repeat(128), "", Set.of(Role.ADMIN)).name()).hasSize(128);
        assertThatThrownBy(() -> account("n".repeat(129), "", Set.of(Role.ADMIN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 128 characters");
    }

    @Test
    void namesWithControlCharactersAreRejected() {
        assertThatThrownBy(() -> account("two\nlines", "", Set.of(Role.ADMIN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control characters");
    }

    @Test
    void anAccountNeedsAtLeastOneRole() {
        assertThatThrownBy(() -> account("nobody", "", Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one role");
    }

    @Test
    void malformedKeyHashesAreRejectedWithoutEchoingThem() {
        assertThatThrownBy(() -> new ServiceAccount(ID, "x", "", Set.of(Role.ADMIN), "secret-ish", CREATED))
                .isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("secret-ish");
    }

    @Test
    void toStringLeavesTheKeyHashOut() {
        assertThat(account("scraper", "", Set.of(Role.METRICS_READER)).toString())
                .contains("scraper", ID)
                .doesNotContain(HASH);
    }

    @Test
    void adminHasEveryRole() {
        ServiceAccount admin = account("root", "", Set.of(Role.ADMIN));
        ServiceAccount reader = account("scraper", "", Set.of(Role.METRICS_READER));

        assertThat(admin.hasRole(Role.EVENT_WRITER)).isTrue();
        assertThat(reader.hasRole(Role.METRICS_READER)).isTrue();
        assertThat(reader.hasRole(Role.EVENT_WRITER)).isFalse();
    }

    @Test
    void createdAccountRedactsItsKeyInToString() {
        CreatedServiceAccount created = new CreatedServiceAccount(account("x", "", Set.of(Role.ADMIN)), "plaintext-key");
        assertThat(created.toString()).doesNotContain("plaintext-key");
    }
}
