package dev.metricsgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        assertThat(ApiKeys.matches(created.plaintextKey(), account.keys().get(0).hash())).isTrue();
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

        assertThat(content).doesNotContain(created.plaintextKey()).contains(created.key().hash());
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
    void anUnreadableStoreFailsWithTheFileNameAndIsNeverReplaced() throws IOException {
        // A directory where the file belongs: unreadable even for root, who ignores file modes.
        Path file = dataDir.resolve(ServiceAccountStore.FILE_NAME);
        Path inside = Files.createDirectories(file).resolve("kept");
        Files.writeString(inside, "whatever was there");
        ServiceAccountStore store = store();

        assertThatThrownBy(store::list)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("cannot read the service-account store");
        assertThatThrownBy(store::isEmpty).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.create("a", "", Set.of(Role.ADMIN)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot read the service-account store");
        assertThat(inside).hasContent("whatever was there");
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
                "{\"version\": 3, \"service_accounts\": []}");

        assertThatThrownBy(() -> store().list()).hasMessageContaining("unsupported format version 3");
    }

    // ---- Format version 1, as written before keys could be rotated -------------------------------

    /** A file written by the gateway before key rotation existed (its own output, verbatim). */
    private static final String VERSION_1_FILE = """
            {
              "version" : 1,
              "service_accounts" : [ {
                "id" : "a518d041957a494efc80672f3958102f",
                "name" : "scraper",
                "description" : "Prometheus in eu-west-1",
                "roles" : [ "metrics-reader", "event-writer" ],
                "key_sha256" : "e2bfef4e262e04664259c61ae6ba53842f78c5a3371e64e7e7933898089566ba",
                "created_at" : "2026-11-22T22:17:24.591Z"
              } ]
            }""";
    private static final String VERSION_1_KEY = "1c8cbe45b7533cb1d65b5b9e7d1892b807827831662efdd6302bc375928427aa";
    private static final String VERSION_1_ID = "a518d041957a494efc80672f3958102f";

    private void writeVersion1File() throws IOException {
        Files.writeString(dataDir.resolve(ServiceAccountStore.FILE_NAME), VERSION_1_FILE);
    }

    @Test
    void aVersion1FileLoadsAsAccountsWithOneKeyThatNeverExpires() throws IOException {
        writeVersion1File();

        ServiceAccount account = store().list().get(0);

        assertThat(account.id()).isEqualTo(VERSION_1_ID);
        assertThat(account.name()).isEqualTo("scraper");
        assertThat(account.roles()).containsExactly(Role.METRICS_READER, Role.EVENT_WRITER);
        assertThat(account.keys()).singleElement().satisfies(key -> {
            assertThat(key.id()).matches("[0-9a-f]{16}");
            assertThat(ApiKeys.matches(VERSION_1_KEY, key.hash())).isTrue();
            assertThat(key.createdAt()).isEqualTo(account.createdAt());
            assertThat(key.expiresAt()).isNull();
        });
    }

    @Test
    void theKeyIdOfAVersion1AccountIsTheSameOnEveryReadAndRevealsNoHash() throws IOException {
        writeVersion1File();

        String first = store().list().get(0).keys().get(0).id();
        String second = new ServiceAccountStore(dataDir).list().get(0).keys().get(0).id();

        assertThat(first).isEqualTo(second);
        assertThat(ApiKeys.hash(VERSION_1_KEY)).doesNotContain(first);
    }

    @Test
    void theNextWriteMigratesAVersion1FileKeepingItsAccountsAndKeyIds() throws IOException {
        writeVersion1File();
        ServiceAccount before = store().list().get(0);

        store().create("second", "", Set.of(Role.ADMIN));

        String content = Files.readString(dataDir.resolve(ServiceAccountStore.FILE_NAME));
        assertThat(content).contains("\"version\" : 2").contains("\"keys\"");
        assertThat(store().list()).hasSize(2).first().isEqualTo(before);
    }

    @Test
    void aVersion1AccountCanBeRotatedAndItsOldKeyRevoked() throws IOException {
        writeVersion1File();
        String oldKeyId = store().list().get(0).keys().get(0).id();

        IssuedKey issued = store().rotate(VERSION_1_ID, KeyExpiry.NEVER).orElseThrow();

        assertThat(store().revokeKey(VERSION_1_ID, oldKeyId)).isEqualTo(KeyRevocation.REVOKED);
        assertThat(store().list().get(0).keys()).containsExactly(issued.key());
    }

    @Test
    void aVersion2FileWithAVersion1AccountIsCorrupt() throws IOException {
        Path file = dataDir.resolve(ServiceAccountStore.FILE_NAME);
        Files.writeString(file, VERSION_1_FILE.replace("\"version\" : 1", "\"version\" : 2"));

        assertThatThrownBy(() -> store().list())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("service_accounts[0]")
                .hasMessageContaining("key_sha256 belongs to format version 1");
        assertThatThrownBy(() -> store().create("a", "", Set.of(Role.ADMIN))).isInstanceOf(IllegalStateException.class);
        assertThat(Files.readString(file)).contains("\"version\" : 2").contains(VERSION_1_ID);
    }

    @Test
    void aVersion1AccountWithAMalformedHashIsCorruptWithoutEchoingIt() throws IOException {
        Files.writeString(dataDir.resolve(ServiceAccountStore.FILE_NAME),
                VERSION_1_FILE.replace("e2bfef4e262e0466", "not-a-hash-at-all"));

        assertThatThrownBy(() -> store().list())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("key_sha256")
                .message().doesNotContain("not-a-hash-at-all");
    }

    @Test
    void anInvalidKeyInAVersion2FileIsReportedWithItsPosition() throws IOException {
        store().create("a", "", Set.of(Role.ADMIN));
        Path file = dataDir.resolve(ServiceAccountStore.FILE_NAME);
        String content = Files.readString(file);
        String keyId = store().list().get(0).keys().get(0).id();
        Files.writeString(file, content.replace(keyId, "XYZ"));

        assertThatThrownBy(() -> store().list())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("service_accounts[0]: keys[0]: XYZ: key id must be");
    }

    // ---- Keys: expiry, rotation, revocation ----------------------------------------------------

    @Test
    void aNewAccountHasOneKeyWithARandomIdAndNoExpiry() {
        CreatedServiceAccount created = store().create("a", "", Set.of(Role.ADMIN));

        assertThat(created.account().keys()).singleElement().satisfies(key -> {
            assertThat(key.id()).matches("[0-9a-f]{16}");
            assertThat(key.createdAt()).isEqualTo(NOW);
            assertThat(key.expiresAt()).isNull();
        });
        assertThat(created.key()).isEqualTo(created.account().keys().get(0));
    }

    @Test
    void anExpiryInIsCountedFromTheStoresClockAndSurvivesTheFile() {
        CreatedServiceAccount created = store().create("a", "", Set.of(Role.ADMIN), KeyExpiry.parseExpiresIn("30d"));

        assertThat(created.key().expiresAt()).isEqualTo(NOW.plus(Duration.ofDays(30)));
        assertThat(new ServiceAccountStore(dataDir).list().get(0).keys()).containsExactly(created.key());
    }

    @Test
    void anExpiryAtIsStoredAsGiven() {
        Instant at = Instant.parse("2024-06-01T00:00:00Z");

        CreatedServiceAccount created = store().create("a", "", Set.of(Role.ADMIN), KeyExpiry.at(at));

        assertThat(created.key().expiresAt()).isEqualTo(at);
        assertThat(store().list().get(0).keys().get(0).expiresAt()).isEqualTo(at);
    }

    @Test
    void anExpiryInThePastIsRejectedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> store().create("a", "", Set.of(Role.ADMIN), KeyExpiry.at(NOW)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be in the future");
        assertThat(dataDir.resolve(ServiceAccountStore.FILE_NAME)).doesNotExist();
    }

    @Test
    void rotateAddsASecondKeyAndKeepsTheFirst() {
        CreatedServiceAccount created = store().create("a", "", Set.of(Role.ADMIN));

        IssuedKey issued = store().rotate(created.account().id(), KeyExpiry.parseExpiresIn("12h")).orElseThrow();

        assertThat(issued.key().id()).matches("[0-9a-f]{16}").isNotEqualTo(created.key().id());
        assertThat(issued.key().expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(12)));
        assertThat(ApiKeys.matches(issued.plaintextKey(), issued.key().hash())).isTrue();
        assertThat(issued.plaintextKey()).isNotEqualTo(created.plaintextKey());
        assertThat(store().list().get(0).keys()).containsExactly(created.key(), issued.key());
        assertThat(issued.account()).isEqualTo(store().list().get(0));
    }

    @Test
    void rotatingAnAccountThatHoldsTwoKeysIsRefusedAndWritesNothing() throws IOException {
        String id = store().create("a", "", Set.of(Role.ADMIN)).account().id();
        store().rotate(id, KeyExpiry.NEVER);
        byte[] before = Files.readAllBytes(dataDir.resolve(ServiceAccountStore.FILE_NAME));

        assertThatThrownBy(() -> store().rotate(id, KeyExpiry.NEVER))
                .isInstanceOf(KeyLimitException.class)
                .hasMessageContaining("already holds 2 keys")
                .hasMessageContaining("revoke one");
        assertThat(Files.readAllBytes(dataDir.resolve(ServiceAccountStore.FILE_NAME))).isEqualTo(before);
    }

    @Test
    void rotatingAnUnknownAccountReturnsEmptyAndWritesNothing() {
        assertThat(store().rotate("0123456789abcdef0123456789abcdef", KeyExpiry.NEVER)).isEmpty();
        assertThat(dataDir.resolve(ServiceAccountStore.FILE_NAME)).doesNotExist();
    }

    @Test
    void revokeKeyRemovesExactlyThatKey() {
        CreatedServiceAccount created = store().create("a", "", Set.of(Role.ADMIN));
        IssuedKey issued = store().rotate(created.account().id(), KeyExpiry.NEVER).orElseThrow();

        assertThat(store().revokeKey(created.account().id(), created.key().id())).isEqualTo(KeyRevocation.REVOKED);

        assertThat(store().list().get(0).keys()).containsExactly(issued.key());
    }

    @Test
    void theOnlyKeyOfAnAccountIsNeverRevoked() {
        CreatedServiceAccount created = store().create("a", "", Set.of(Role.ADMIN));

        assertThat(store().revokeKey(created.account().id(), created.key().id())).isEqualTo(KeyRevocation.ONLY_KEY);
        assertThat(store().list().get(0).keys()).containsExactly(created.key());
    }

    @Test
    void revokingAnUnknownKeyOrAccountSaysWhichAndWritesNothing() throws IOException {
        CreatedServiceAccount created = store().create("a", "", Set.of(Role.ADMIN));
        byte[] before = Files.readAllBytes(dataDir.resolve(ServiceAccountStore.FILE_NAME));

        assertThat(store().revokeKey(created.account().id(), "ffffffffffffffff")).isEqualTo(KeyRevocation.UNKNOWN_KEY);
        assertThat(store().revokeKey("0123456789abcdef0123456789abcdef", created.key().id()))
                .isEqualTo(KeyRevocation.UNKNOWN_ACCOUNT);
        assertThat(Files.readAllBytes(dataDir.resolve(ServiceAccountStore.FILE_NAME))).isEqualTo(before);
    }

    @Test
    void afterRevokingTheOldKeyTheAccountCanBeRotatedAgain() {
        CreatedServiceAccount created = store().create("a", "", Set.of(Role.ADMIN));
        String id = created.account().id();
        IssuedKey second = store().rotate(id, KeyExpiry.NEVER).orElseThrow();
        store().revokeKey(id, created.key().id());

        IssuedKey third = store().rotate(id, KeyExpiry.NEVER).orElseThrow();

        assertThat(store().list().get(0).keys()).containsExactly(second.key(), third.key());
    }

    @Test
    void theFileHoldsKeyIdsAndHashesButNeverAKey() throws IOException {
        CreatedServiceAccount created = store().create("a", "", Set.of(Role.ADMIN), KeyExpiry.parseExpiresIn("1d"));
        IssuedKey issued = store().rotate(created.account().id(), KeyExpiry.NEVER).orElseThrow();

        String content = Files.readString(dataDir.resolve(ServiceAccountStore.FILE_NAME));

        assertThat(content)
                .doesNotContain(created.plaintextKey(), issued.plaintextKey())
                .contains(created.key().hash(), issued.key().hash(), created.key().id(), issued.key().id())
                .contains("\"expires_at\" : \"2024-05-02T12:34:56.789Z\"");
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
        assertThat(store().list().get(0).keys().get(0).hash()).isEqualTo(ApiKeys.hash(key));
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
