package dev.metricsgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.testing.ManualClock;
import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TectonKeyAuthenticationProviderTest {

    @TempDir
    Path dataDir;

    private CreatedServiceAccount reader;
    private CreatedServiceAccount admin;
    private TectonKeyAuthenticationProvider provider;

    @BeforeEach
    void createAccounts() {
        ServiceAccountStore store = new ServiceAccountStore(dataDir);
        reader = store.create("scraper", "", Set.of(Role.METRICS_READER));
        admin = store.create("root", "", Set.of(Role.ADMIN));
        provider = new TectonKeyAuthenticationProvider(new ServiceAccountRegistry(store));
    }

    @Test
    void aKnownKeyYieldsAUserWithIdAndNameButNotTheKey() {
        Future<User> result = provider.authenticate(new TokenCredentials(reader.plaintextKey()));

        assertThat(result.succeeded()).isTrue();
        User user = result.result();
        assertThat(user.principal().getString("id")).isEqualTo(reader.account().id());
        assertThat(user.principal().getString("name")).isEqualTo("scraper");
        assertThat(user.principal().encode())
                .doesNotContain(reader.plaintextKey())
                .doesNotContain(reader.key().hash());
    }

    @Test
    void theUserCarriesOneRoleAuthorizationPerRole() {
        User user = provider.authenticate(new TokenCredentials(reader.plaintextKey())).result();

        assertThat(RoleBasedAuthorization.create("metrics-reader").match(user)).isTrue();
        assertThat(RoleBasedAuthorization.create("event-writer").match(user)).isFalse();
    }

    @Test
    void hasRoleTreatsAdminAsEveryRole() {
        User root = provider.authenticate(new TokenCredentials(admin.plaintextKey())).result();
        User scraper = provider.authenticate(new TokenCredentials(reader.plaintextKey())).result();

        for (Role role : Role.values()) {
            assertThat(TectonKeyAuthenticationProvider.hasRole(root, role)).as(role.wireName()).isTrue();
        }
        assertThat(TectonKeyAuthenticationProvider.hasRole(scraper, Role.METRICS_READER)).isTrue();
        assertThat(TectonKeyAuthenticationProvider.hasRole(scraper, Role.EVENT_WRITER)).isFalse();
        assertThat(TectonKeyAuthenticationProvider.hasRole(scraper, Role.ADMIN)).isFalse();
    }

    @Test
    void anUnknownKeyFailsWithoutEchoingIt() {
        String unknown = ApiKeys.generate();

        Future<User> result = provider.authenticate(new TokenCredentials(unknown));

        assertThat(result.failed()).isTrue();
        assertThat(result.cause().getMessage()).doesNotContain(unknown);
    }

    @Test
    void otherCredentialTypesFail() {
        Future<User> result = provider.authenticate(new UsernamePasswordCredentials("root", admin.plaintextKey()));

        assertThat(result.failed()).isTrue();
        assertThat(result.cause().getMessage()).doesNotContain(admin.plaintextKey());
    }

    @Test
    void anExpiredKeyFailsExactlyLikeAnUnknownOne() {
        ManualClock clock = new ManualClock(Instant.parse("2024-05-01T12:00:00Z").toEpochMilli());
        ServiceAccountStore store = new ServiceAccountStore(dataDir, clock);
        CreatedServiceAccount temporary = store.create("temporary", "", Set.of(Role.ADMIN), KeyExpiry.parseExpiresIn("1h"));
        TectonKeyAuthenticationProvider withClock = new TectonKeyAuthenticationProvider(new ServiceAccountRegistry(store, clock));
        assertThat(withClock.authenticate(new TokenCredentials(temporary.plaintextKey())).succeeded()).isTrue();

        clock.advanceMillis(3_600_000);

        Future<User> expired = withClock.authenticate(new TokenCredentials(temporary.plaintextKey()));
        Future<User> unknown = withClock.authenticate(new TokenCredentials(ApiKeys.generate()));
        assertThat(expired.failed()).isTrue();
        assertThat(expired.cause().getMessage()).isEqualTo(unknown.cause().getMessage())
                .doesNotContain(temporary.plaintextKey());
    }

    @Test
    void bothKeysOfARotatedAccountYieldTheSameUser() {
        IssuedKey issued = new ServiceAccountStore(dataDir).rotate(reader.account().id(), KeyExpiry.NEVER).orElseThrow();
        TectonKeyAuthenticationProvider fresh = new TectonKeyAuthenticationProvider(
                new ServiceAccountRegistry(new ServiceAccountStore(dataDir)));

        User withOld = fresh.authenticate(new TokenCredentials(reader.plaintextKey())).result();
        User withNew = fresh.authenticate(new TokenCredentials(issued.plaintextKey())).result();

        assertThat(withNew.principal()).isEqualTo(withOld.principal());
        assertThat(withNew.principal().encode()).doesNotContain(issued.plaintextKey()).doesNotContain(issued.key().hash());
    }
}
