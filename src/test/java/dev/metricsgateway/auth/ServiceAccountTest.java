package dev.metricsgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceAccountTest {

    private static final String ID = "0123456789abcdef0123456789abcdef";
    private static final String HASH = ApiKeys.hash("some-key-that-is-long-enough-for-a-test");
    private static final Instant CREATED = Instant.parse("2024-05-01T12:00:00Z");
    private static final AccountKey KEY = new AccountKey("0123456789abcdef", HASH, CREATED, null);
    private static final AccountKey SECOND_KEY = new AccountKey("fedcba9876543210",
            ApiKeys.hash("another-key-that-is-long-enough-for-a-test"), CREATED.plusSeconds(60), null);

    private static ServiceAccount account(String name, String description, Set<Role> roles) {
        return new ServiceAccount(ID, name, description, roles, List.of(KEY), CREATED);
    }

    private static ServiceAccount withKeys(List<AccountKey> keys) {
        return new ServiceAccount(ID, "scraper", "", Set.of(Role.METRICS_READER), keys, CREATED);
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
        assertThatThrownBy(() -> new AccountKey("0123456789abcdef", "secret-ish", CREATED, null))
                .isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("secret-ish");
    }

    @Test
    void anAccountNeedsAtLeastOneKey() {
        assertThatThrownBy(() -> withKeys(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one key");
    }

    @Test
    void anAccountHoldsAtMostTwoKeys() {
        AccountKey third = new AccountKey("00000000000000ff", ApiKeys.hash("a-third-key-long-enough-for-a-test"), CREATED, null);

        assertThat(withKeys(List.of(KEY, SECOND_KEY)).keys()).containsExactly(KEY, SECOND_KEY);
        assertThatThrownBy(() -> withKeys(List.of(KEY, SECOND_KEY, third)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 2");
    }

    @Test
    void keyIdsMustBeDistinctWithinAnAccount() {
        AccountKey sameId = new AccountKey(KEY.id(), SECOND_KEY.hash(), CREATED, null);

        assertThatThrownBy(() -> withKeys(List.of(KEY, sameId)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate key id");
    }

    @Test
    void withKeyAndWithoutKeyReturnChangedCopies() {
        ServiceAccount one = withKeys(List.of(KEY));

        ServiceAccount two = one.withKey(SECOND_KEY);

        assertThat(one.keys()).containsExactly(KEY);
        assertThat(two.keys()).containsExactly(KEY, SECOND_KEY);
        assertThat(two.withoutKey(KEY.id()).keys()).containsExactly(SECOND_KEY);
        assertThat(two.key(SECOND_KEY.id())).contains(SECOND_KEY);
        assertThat(two.key("ffffffffffffffff")).isEmpty();
    }

    @Test
    void keysAreAnImmutableCopy() {
        List<AccountKey> keys = new ArrayList<>(List.of(KEY));
        ServiceAccount account = withKeys(keys);
        keys.add(SECOND_KEY);

        assertThat(account.keys()).containsExactly(KEY);
        assertThatThrownBy(() -> account.keys().add(SECOND_KEY)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aKeyIdIs16LowercaseHexCharacters() {
        assertThatThrownBy(() -> new AccountKey("0123456789ABCDEF", HASH, CREATED, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16 lowercase hex");
        assertThatThrownBy(() -> new AccountKey("0123", HASH, CREATED, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aKeyMustExpireAfterItWasCreated() {
        assertThatThrownBy(() -> new AccountKey("0123456789abcdef", HASH, CREATED, CREATED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expire after");
    }

    @Test
    void aKeyIsExpiredFromItsExpiryInstantOn() {
        Instant expiry = CREATED.plusSeconds(3600);
        AccountKey key = new AccountKey("0123456789abcdef", HASH, CREATED, expiry);

        assertThat(key.isExpiredAt(expiry.minusMillis(1))).isFalse();
        assertThat(key.isExpiredAt(expiry)).isTrue();
        assertThat(KEY.isExpiredAt(Instant.MAX)).as("a key without expiry").isFalse();
        assertThat(key.expiry()).contains(expiry);
        assertThat(KEY.expiry()).isEmpty();
    }

    @Test
    void toStringLeavesTheKeyHashOut() {
        assertThat(account("scraper", "", Set.of(Role.METRICS_READER)).toString())
                .contains("scraper", ID, KEY.id())
                .doesNotContain(HASH);
        assertThat(KEY.toString()).contains(KEY.id()).doesNotContain(HASH);
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
        assertThat(created.toString()).doesNotContain("plaintext-key").doesNotContain(HASH);
    }

    @Test
    void anIssuedKeyRedactsItsKeyInToString() {
        IssuedKey issued = new IssuedKey(withKeys(List.of(KEY, SECOND_KEY)), SECOND_KEY, "plaintext-key");
        assertThat(issued.toString()).contains(SECOND_KEY.id()).doesNotContain("plaintext-key").doesNotContain(SECOND_KEY.hash());
    }
}
