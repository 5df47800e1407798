package dev.metricsgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
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
}
