package dev.metricsgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.metricsgateway.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceAccountRegistryTest {

    @TempDir
    Path dataDir;

    private Path file() {
        return dataDir.resolve(ServiceAccountStore.FILE_NAME);
    }

    /** Moves the file's mtime forward, as a later write by another process would. */
    private void touch(long epochSecond) throws IOException {
        Files.setLastModifiedTime(file(), FileTime.from(Instant.ofEpochSecond(epochSecond)));
    }

    @Test
    void aKnownKeyAuthenticatesItsAccount() {
        ServiceAccountStore store = new ServiceAccountStore(dataDir);
        CreatedServiceAccount reader = store.create("reader", "", Set.of(Role.METRICS_READER));
        CreatedServiceAccount writer = store.create("writer", "", Set.of(Role.EVENT_WRITER));
        ServiceAccountRegistry registry = new ServiceAccountRegistry(store);

        assertThat(registry.authenticate(reader.plaintextKey())).contains(reader.account());
        assertThat(registry.authenticate(writer.plaintextKey())).contains(writer.account());
    }

    @Test
    void unknownEmptyOrMissingKeysAuthenticateNobody() {
        ServiceAccountStore store = new ServiceAccountStore(dataDir);
        store.create("reader", "", Set.of(Role.METRICS_READER));
        ServiceAccountRegistry registry = new ServiceAccountRegistry(store);

        assertThat(registry.authenticate(ApiKeys.generate())).isEmpty();
        assertThat(registry.authenticate("")).isEmpty();
        assertThat(registry.authenticate(null)).isEmpty();
    }

    @Test
    void anEmptyDataDirectoryGivesAnEmptyRegistry() {
        ServiceAccountRegistry registry = new ServiceAccountRegistry(new ServiceAccountStore(dataDir));

        assertThat(registry.accounts()).isEmpty();
        assertThat(registry.refreshIfChanged()).isFalse();
    }

    @Test
    void refreshPicksUpAnAccountCreatedByAnotherProcess() throws IOException {
        ServiceAccountStore server = new ServiceAccountStore(dataDir);
        server.create("existing", "", Set.of(Role.ADMIN));
        touch(1_000);
        ServiceAccountRegistry registry = new ServiceAccountRegistry(server);

        CreatedServiceAccount viaCli = new ServiceAccountStore(dataDir).create("cli", "", Set.of(Role.METRICS_READER));
        touch(2_000);

        assertThat(registry.authenticate(viaCli.plaintextKey())).isEmpty();
        assertThat(registry.refreshIfChanged()).isTrue();
        assertThat(registry.authenticate(viaCli.plaintextKey())).contains(viaCli.account());
    }

    @Test
    void refreshPicksUpTheFirstAccountOfAnEmptyDirectory() {
        ServiceAccountRegistry registry = new ServiceAccountRegistry(new ServiceAccountStore(dataDir));

        CreatedServiceAccount viaCli = new ServiceAccountStore(dataDir).create("cli", "", Set.of(Role.ADMIN));

        assertThat(registry.refreshIfChanged()).isTrue();
        assertThat(registry.authenticate(viaCli.plaintextKey())).isPresent();
    }

    @Test
    void refreshPicksUpADeletion() throws IOException {
        ServiceAccountStore store = new ServiceAccountStore(dataDir);
        CreatedServiceAccount doomed = store.create("doomed", "", Set.of(Role.ADMIN));
        touch(1_000);
        ServiceAccountRegistry registry = new ServiceAccountRegistry(store);

        new ServiceAccountStore(dataDir).delete(doomed.account().id());
        touch(2_000);

        assertThat(registry.refreshIfChanged()).isTrue();
        assertThat(registry.authenticate(doomed.plaintextKey())).isEmpty();
    }

    @Test
    void refreshDoesNothingWhileTheFileIsUnchanged() {
        ServiceAccountStore store = new ServiceAccountStore(dataDir);
        store.create("a", "", Set.of(Role.ADMIN));
        ServiceAccountRegistry registry = new ServiceAccountRegistry(store);

        assertThat(registry.refreshIfChanged()).isFalse();
        assertThat(registry.refreshIfChanged()).isFalse();
    }

    @Test
    void aFileThatBecomesCorruptKeepsThePreviousAccountsInForce() throws IOException {
        ServiceAccountStore store = new ServiceAccountStore(dataDir);
        CreatedServiceAccount admin = store.create("admin", "", Set.of(Role.ADMIN));
        touch(1_000);
        ServiceAccountRegistry registry = new ServiceAccountRegistry(store);

        Files.writeString(file(), "{ not json");
        touch(2_000);

        assertThat(registry.refreshIfChanged()).isFalse();
        assertThat(registry.refreshIfChanged()).isFalse();
        assertThat(registry.authenticate(admin.plaintextKey())).isPresent();
    }

    @Test
    void reloadInstallsTheCurrentFileAtOnce() {
        ServiceAccountStore store = new ServiceAccountStore(dataDir);
        ServiceAccountRegistry registry = new ServiceAccountRegistry(store);
        CreatedServiceAccount created = store.create("a", "", Set.of(Role.ADMIN));

        registry.reload();

        assertThat(registry.authenticate(created.plaintextKey())).isPresent();
    }

    @Test
    void aCorruptFileAtStartupIsAnError() throws IOException {
        Files.writeString(file(), "[]");

        assertThatThrownBy(() -> new ServiceAccountRegistry(new ServiceAccountStore(dataDir)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file().toString());
    }

    // ---- Several keys and expiry -----------------------------------------------------------------

    private static final Instant ISSUED = Instant.parse("2024-05-01T12:00:00Z");

    @Test
    void bothKeysOfARotatedAccountAuthenticateIt() {
        ServiceAccountStore store = new ServiceAccountStore(dataDir);
        CreatedServiceAccount created = store.create("rotating", "", Set.of(Role.ADMIN));
        IssuedKey issued = store.rotate(created.account().id(), KeyExpiry.NEVER).orElseThrow();
        ServiceAccountRegistry registry = new ServiceAccountRegistry(store);

        assertThat(registry.authenticate(created.plaintextKey())).contains(issued.account());
        assertThat(registry.authenticate(issued.plaintextKey())).contains(issued.account());
    }

    @Test
    void refreshPicksUpARevokedKeyAndTheOtherKeyKeepsWorking() throws IOException {
        ServiceAccountStore store = new ServiceAccountStore(dataDir);
        CreatedServiceAccount created = store.create("rotating", "", Set.of(Role.ADMIN));
        IssuedKey issued = store.rotate(created.account().id(), KeyExpiry.NEVER).orElseThrow();
        touch(1_000);
        ServiceAccountRegistry registry = new ServiceAccountRegistry(store);

        new ServiceAccountStore(dataDir).revokeKey(created.account().id(), created.key().id());
        touch(2_000);

        assertThat(registry.refreshIfChanged()).isTrue();
        assertThat(registry.authenticate(created.plaintextKey())).isEmpty();
        assertThat(registry.authenticate(issued.plaintextKey())).isPresent();
    }

    @Test
    void anExpiredKeyAuthenticatesNobodyFromItsExpiryInstantOn() {
        ManualClock clock = new ManualClock(ISSUED.toEpochMilli());
        ServiceAccountStore store = new ServiceAccountStore(dataDir, clock);
        CreatedServiceAccount created = store.create("temp", "", Set.of(Role.ADMIN), KeyExpiry.parseExpiresIn("1h"));
        ServiceAccountRegistry registry = new ServiceAccountRegistry(store, clock);

        clock.advanceMillis(Duration.ofHours(1).toMillis() - 1);
        assertThat(registry.authenticate(created.plaintextKey())).isPresent();

        clock.advanceMillis(1);
        assertThat(registry.authenticate(created.plaintextKey())).isEmpty();
    }

    @Test
    void expiryIsJudgedByTheTimeGivenNotByWhenTheSnapshotWasLoaded() {
        ServiceAccountStore store = new ServiceAccountStore(dataDir, InstantSource.fixed(ISSUED));
        CreatedServiceAccount created = store.create("temp", "", Set.of(Role.ADMIN), KeyExpiry.parseExpiresIn("1d"));
        ServiceAccountRegistry registry = new ServiceAccountRegistry(store, InstantSource.fixed(ISSUED));
        long expiryMillis = ISSUED.plus(Duration.ofDays(1)).toEpochMilli();

        assertThat(registry.authenticate(created.plaintextKey(), expiryMillis - 1)).isPresent();
        assertThat(registry.authenticate(created.plaintextKey(), expiryMillis)).isEmpty();
        assertThat(registry.authenticate(created.plaintextKey(), ISSUED.toEpochMilli())).isPresent();
    }

    @Test
    void whenOneKeyExpiresTheAccountsOtherKeyStillWorks() {
        ManualClock clock = new ManualClock(ISSUED.toEpochMilli());
        ServiceAccountStore store = new ServiceAccountStore(dataDir, clock);
        CreatedServiceAccount created = store.create("rotating", "", Set.of(Role.ADMIN), KeyExpiry.parseExpiresIn("1h"));
        IssuedKey issued = store.rotate(created.account().id(), KeyExpiry.parseExpiresIn("30d")).orElseThrow();
        ServiceAccountRegistry registry = new ServiceAccountRegistry(store, clock);

        clock.advanceMillis(Duration.ofHours(2).toMillis());

        assertThat(registry.authenticate(created.plaintextKey())).isEmpty();
        assertThat(registry.authenticate(issued.plaintextKey())).isPresent();
    }

    @Test
    void aKeyOfAVersion1FileAuthenticatesItsAccount() throws IOException {
        String key = "1c8cbe45b7533cb1d65b5b9e7d1892b807827831662efdd6302bc375928427aa";
        Files.writeString(file(), """
                {"version": 1, "service_accounts": [{"id": "a518d041957a494efc80672f3958102f", "name": "scraper",
                 "description": "", "roles": ["metrics-reader"],
                 "key_sha256": "e2bfef4e262e04664259c61ae6ba53842f78c5a3371e64e7e7933898089566ba",
                 "created_at": "2026-11-22T22:17:24.591Z"}]}""");

        ServiceAccountRegistry registry = new ServiceAccountRegistry(new ServiceAccountStore(dataDir));

        assertThat(registry.authenticate(key)).hasValueSatisfying(
                account -> assertThat(account.id()).isEqualTo("a518d041957a494efc80672f3958102f"));
    }
}
