package dev.metricsgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceAccountStoreTest {

    private static final Instant NOW = Instant.parse("2024-05-01T12:34:56.789Z");

    @TempDir
    Path dataDir;

    private ServiceAccountStore store() {
        return new ServiceAccountStore(dataDir, InstantSource.fixed(NOW));
    }

    @Test
    void aMissingFileIsAnEmptyStore() {
        assertThat(store().list()).isEmpty();
        assertThat(store().isEmpty()).isTrue();
    }

    @Test
    void createdAccountsRoundTripThroughTheFile() {
        CreatedServiceAccount created = store().create("scraper", "Prometheus in eu-west-1",
                EnumSet.of(Role.METRICS_READER, Role.EVENT_WRITER));

        List<ServiceAccount> reloaded = new ServiceAccountStore(dataDir).list();

        assertThat(reloaded).containsExactly(created.account());
        ServiceAccount account = reloaded.get(0);
        assertThat(account.name()).isEqualTo("scraper");
        assertThat(account.description()).isEqualTo("Prometheus in eu-west-1");
        assertThat(account.roles()).containsExactly(Role.METRICS_READER, Role.EVENT_WRITER);
        assertThat(account.createdAt()).isEqualTo(NOW);
        assertThat(account.id()).matches("[0-9a-f]{32}");
        assertThat(ApiKeys.matches(created.plaintextKey(), account.keyHash())).isTrue();
    }

    @Test
    void accountsAreListedInCreationOrder() {
        ServiceAccountStore store = store();
        String first = store.create("first", "", Set.of(Role.ADMIN)).account().id();
        String second = store.create("second", "", Set.of(Role.ADMIN)).account().id();

        assertThat(store.list()).extracting(ServiceAccount::id).containsExactly(first, second);
    }

    @Test
    void theFileHoldsTheKeyHashButNeverTheKey() throws IOException {
        CreatedServiceAccount created = store().create("scraper", "", Set.of(Role.METRICS_READER));

        String content = Files.readString(dataDir.resolve(ServiceAccountStore.FILE_NAME));

        assertThat(content).doesNotContain(created.plaintextKey()).contains(created.account().keyHash());
    }

    @Test
    void writesLeaveNoTemporaryFileBehind() throws IOException {
        ServiceAccountStore store = store();
        String id = store.create("a", "", Set.of(Role.ADMIN)).account().id();
        store.create("b", "", Set.of(Role.ADMIN));
        store.delete(id);

        try (Stream<Path> files = Files.list(dataDir)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .containsExactlyInAnyOrder(ServiceAccountStore.FILE_NAME, ServiceAccountStore.LOCK_FILE_NAME);
        }
    }

    @Test
    void aTemporaryFileLeftByACrashedWriterIsRemovedByTheNextWrite() throws IOException {
        Files.writeString(dataDir.resolve(ServiceAccountStore.FILE_NAME + ".12345.tmp"), "{\"half\":");

        store().create("a", "", Set.of(Role.ADMIN));

        assertThat(dataDir.resolve(ServiceAccountStore.FILE_NAME + ".12345.tmp")).doesNotExist();
    }

    @Test
    void theDataDirectoryIsCreatedOnTheFirstWrite() {
        Path nested = dataDir.resolve("does/not/exist");

        new ServiceAccountStore(nested).create("a", "", Set.of(Role.ADMIN));

        assertThat(nested.resolve(ServiceAccountStore.FILE_NAME)).isRegularFile();
    }

    @Test
    void aCorruptFileFailsWithTheFileNameAndIsNeverOverwritten() throws IOException {
        Path file = dataDir.resolve(ServiceAccountStore.FILE_NAME);
        byte[] garbage = "{\"version\": 1, \"service_accounts\": [ {\"id\": ".getBytes(StandardCharsets.UTF_8);
        Files.write(file, garbage);
        ServiceAccountStore store = store();

        assertThatThrownBy(store::list)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("corrupt");
        assertThatThrownBy(() -> store.create("a", "", Set.of(Role.ADMIN))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.delete("0123456789abcdef0123456789abcdef"))
                .isInstanceOf(IllegalStateException.class);
        assertThat(Files.readAllBytes(file)).isEqualTo(garbage);
    }

    @Test
    void anEmptyFileIsReportedAsCorrupt() throws IOException {
        Files.writeString(dataDir.resolve(ServiceAccountStore.FILE_NAME), "");

        assertThatThrownBy(() -> store().list()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anInvalidAccountInTheFileIsReportedWithItsPosition() throws IOException {
        String created = store().create("a", "", Set.of(Role.ADMIN)).account().id();
        Path file = dataDir.resolve(ServiceAccountStore.FILE_NAME);
        Files.writeString(file, Files.readString(file).replace("\"admin\"", "\"root\""));

        assertThatThrownBy(() -> store().list())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("service_accounts[0]")
                .hasMessageContaining("root: unknown role");
        assertThat(Files.readString(file)).contains(created);
    }

    @Test
    void anUnknownFormatVersionIsRejected() throws IOException {
        Files.writeString(dataDir.resolve(ServiceAccountStore.FILE_NAME),
                "{\"version\": 2, \"service_accounts\": []}");

        assertThatThrownBy(() -> store().list()).hasMessageContaining("unsupported format version 2");
    }

    @Test
    void deleteRemovesOnlyTheGivenAccount() {
        ServiceAccountStore store = store();
        String keep = store.create("keep", "", Set.of(Role.ADMIN)).account().id();
        String drop = store.create("drop", "", Set.of(Role.ADMIN)).account().id();

        assertThat(store.delete(drop)).isTrue();
        assertThat(store.list()).extracting(ServiceAccount::id).containsExactly(keep);
    }

    @Test
    void deleteOfAnUnknownIdReturnsFalseAndWritesNothing() {
        ServiceAccountStore store = store();

        assertThat(store.delete("0123456789abcdef0123456789abcdef")).isFalse();
        assertThat(dataDir.resolve(ServiceAccountStore.FILE_NAME)).doesNotExist();
    }

    @Test
    void invalidAccountsAreRejectedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> store().create("", "", Set.of(Role.ADMIN))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().create("x", "", Set.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(dataDir.resolve(ServiceAccountStore.FILE_NAME)).doesNotExist();
    }

    @Test
    void createWithKeyStoresTheHashOfTheSuppliedKey() {
        String key = "container-supplied-bootstrap-key-0123456789";

        CreatedServiceAccount created = store().createWithKey("bootstrap", "", Set.of(Role.ADMIN), key);

        assertThat(created.plaintextKey()).isEqualTo(key);
        assertThat(store().list().get(0).keyHash()).isEqualTo(ApiKeys.hash(key));
    }

    @Test
    void createWithKeyRejectsKeysShorterThan32CharactersWithoutEchoingThem() {
        String shortKey = "k".repeat(31);

        assertThatThrownBy(() -> store().createWithKey("bootstrap", "", Set.of(Role.ADMIN), shortKey))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32 characters")
                .message().doesNotContain(shortKey);
    }

    @Test
    void createWithKeyRejectsKeysWithBlanks() {
        assertThatThrownBy(() -> store().createWithKey("b", "", Set.of(Role.ADMIN), "has a space " + "k".repeat(32)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without spaces");
    }

    @Test
    void createWithKeyRejectsAKeyAlreadyInUse() {
        String key = "k".repeat(40);
        store().createWithKey("first", "", Set.of(Role.ADMIN), key);

        assertThatThrownBy(() -> store().createWithKey("second", "", Set.of(Role.ADMIN), key))
                .isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain(key);
        assertThat(store().list()).hasSize(1);
    }

    @Test
    void createIfEmptyCreatesOnlyTheFirstAccount() {
        assertThat(store().createIfEmpty("first", "", Set.of(Role.ADMIN), null)).isPresent();
        assertThat(store().createIfEmpty("second", "", Set.of(Role.ADMIN), null)).isEmpty();
        assertThat(store().list()).extracting(ServiceAccount::name).containsExactly("first");
    }

    @Test
    void concurrentWritersThroughSeveralStoresLoseNoAccount() throws Exception {
        // Two store instances stand for the CLI and the server; the file lock and the in-process
        // monitor together must serialize all read-modify-write cycles.
        List<ServiceAccountStore> stores = List.of(new ServiceAccountStore(dataDir), new ServiceAccountStore(dataDir));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<CreatedServiceAccount>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ServiceAccountStore store = stores.get(i % 2);
                String name = "account-" + i;
                futures.add(pool.submit(() -> store.create(name, "", Set.of(Role.METRICS_READER))));
            }
            for (Future<CreatedServiceAccount> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }

        assertThat(new ServiceAccountStore(dataDir).list()).hasSize(40);
    }
}
