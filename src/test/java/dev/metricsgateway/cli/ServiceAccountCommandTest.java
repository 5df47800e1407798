package dev.metricsgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.auth.AccountKey;
import dev.metricsgateway.auth.ApiKeys;
import dev.metricsgateway.auth.KeyExpiry;
import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.ServiceAccount;
import dev.metricsgateway.auth.ServiceAccountRegistry;
import dev.metricsgateway.auth.ServiceAccountStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class ServiceAccountCommandTest {

    private static final Pattern CREATE_OUTPUT = Pattern.compile(
            "API Key: ([0-9a-f]{64})\\R"
            + "Service Account ID: ([0-9a-f]{32})\\R");

    @TempDir
    Path dataDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(CommandLine commandLine, String... args) {
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private int run(String... args) {
        return run(new CommandLine(new ServiceAccountCommand()), args);
    }

    private Matcher create(String name, String... roles) {
        String[] args = new String[5 + 2 * roles.length];
        args[0] = "create";
        args[1] = "--name";
        args[2] = name;
        args[3] = "--data-dir";
        args[4] = dataDir.toString();
        for (int i = 0; i < roles.length; i++) {
            args[5 + 2 * i] = "--role";
            args[6 + 2 * i] = roles[i];
        }
        assertThat(run(args)).as(err.toString()).isZero();
        Matcher matcher = CREATE_OUTPUT.matcher(out.toString());
        assertThat(matcher.matches()).as(out.toString()).isTrue();
        out.getBuffer().setLength(0);
        return matcher;
    }

    @Test
    void createPrintsExactlyTheKeyLineAndTheIdLine() {
        assertThat(run("create", "--name", "scraper", "--role", "metrics-reader",
                "--data-dir", dataDir.toString())).isZero();

        assertThat(out.toString()).matches(CREATE_OUTPUT);
        assertThat(err.toString()).contains("cannot be shown again");
    }

    @Test
    void theCreatedKeyAuthenticatesAgainstAFreshRegistry() {
        Matcher created = create("scraper", "metrics-reader", "event-writer");

        ServiceAccount account = new ServiceAccountRegistry(new ServiceAccountStore(dataDir))
                .authenticate(created.group(1)).orElseThrow();

        assertThat(account.id()).isEqualTo(created.group(2));
        assertThat(account.name()).isEqualTo("scraper");
        assertThat(account.roles()).containsExactly(Role.METRICS_READER, Role.EVENT_WRITER);
    }

    @Test
    void createStoresTheDescriptionAndCommaSeparatedRoles() {
        assertThat(run("create", "--name", "ingest", "--description", "stream jobs",
                "--role", "event-writer,metrics-reader", "--data-dir", dataDir.toString())).isZero();

        ServiceAccount account = new ServiceAccountStore(dataDir).list().get(0);
        assertThat(account.description()).isEqualTo("stream jobs");
        assertThat(account.roles()).containsExactlyInAnyOrder(Role.EVENT_WRITER, Role.METRICS_READER);
    }

    @Test
    void createRejectsAnUnknownRoleListingTheValidOnes() {
        int exit = run("create", "--name", "x", "--role", "superuser", "--data-dir", dataDir.toString());

        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("superuser").contains("metrics-reader, event-writer, admin");
        assertThat(out.toString()).isEmpty();
        assertThat(dataDir.resolve(ServiceAccountStore.FILE_NAME)).doesNotExist();
    }

    @Test
    void createRequiresANameAndARole() {
        assertThat(run("create", "--role", "admin", "--data-dir", dataDir.toString())).isEqualTo(2);
        assertThat(run("create", "--name", "x", "--data-dir", dataDir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--name").contains("--role");
    }

    @Test
    void createRejectsAnOverlongNameWithAClearMessage() {
        int exit = run("create", "--name", "n".repeat(129), "--role", "admin", "--data-dir", dataDir.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("at most 128 characters");
    }

    @Test
    void listShowsIdNameRolesAndCreationButNeverKeysOrHashes() {
        Matcher created = create("scraper", "metrics-reader");
        String hash = ApiKeys.hash(created.group(1));

        assertThat(run("list", "--data-dir", dataDir.toString())).isZero();

        assertThat(out.toString())
                .contains("ID", "NAME", "ROLES", "CREATED")
                .contains(created.group(2), "scraper", "metrics-reader")
                .doesNotContain(created.group(1))
                .doesNotContain(hash);
    }

    @Test
    void listOfAnEmptyDataDirectorySaysSo() {
        assertThat(run("list", "--data-dir", dataDir.toString())).isZero();
        assertThat(out.toString()).contains("No service accounts");
    }

    @Test
    void listReportsACorruptStoreAndFails() throws IOException {
        Files.writeString(dataDir.resolve(ServiceAccountStore.FILE_NAME), "{oops");

        assertThat(run("list", "--data-dir", dataDir.toString())).isEqualTo(1);
        assertThat(err.toString()).contains(ServiceAccountStore.FILE_NAME).contains("corrupt");
    }

    @Test
    void deleteRemovesTheAccount() {
        String id = create("doomed", "admin").group(2);

        assertThat(run("delete", "--id", id, "--data-dir", dataDir.toString())).isZero();

        assertThat(out.toString()).contains(id);
        assertThat(new ServiceAccountStore(dataDir).list()).isEmpty();
    }

    @Test
    void deleteOfAnUnknownIdFailsWithAClearMessage() {
        create("keep", "admin");

        int exit = run("delete", "--id", "0123456789abcdef0123456789abcdef", "--data-dir", dataDir.toString());

        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains("no service account with id 0123456789abcdef0123456789abcdef");
        assertThat(new ServiceAccountStore(dataDir).list()).hasSize(1);
    }

    @Test
    void withoutASubcommandItPrintsUsageAndFails() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("create").contains("list").contains("delete")
                .contains("rotate").contains("revoke-key");
    }

    @Test
    void helpDescribesEveryOption() {
        assertThat(run("create", "--help")).isZero();

        assertThat(out.toString()).contains("--name", "--description", "--role", "--data-dir",
                "metrics-reader, event-writer, admin", "METRICS_GATEWAY_DATA_DIR");
    }

    @Command(name = "metrics-gateway")
    static final class TopByInstance {
    }

    @Command(name = "metrics-gateway", version = "metrics-gateway 9.9.9", subcommands = ServiceAccountCommand.class)
    static final class TopByClass {
    }

    @Test
    void versionIsTheTopLevelCommandsVersion() {
        assertThat(run(new CommandLine(new TopByClass()), "service-account", "create", "-V")).isZero();
        assertThat(out.toString().strip()).isEqualTo("metrics-gateway 9.9.9");
    }

    @Test
    void versionStandaloneFallsBackToTheProductName() {
        assertThat(run("-V")).isZero();
        assertThat(out.toString().strip()).isEqualTo("metrics-gateway");
    }

    @Test
    void worksAsASubcommandRegisteredAsAnInstance() {
        CommandLine top = new CommandLine(new TopByInstance()).addSubcommand(new ServiceAccountCommand());

        assertThat(run(top, "service-account", "create", "--name", "x", "--role", "admin",
                "--data-dir", dataDir.toString())).isZero();
        assertThat(out.toString()).matches(CREATE_OUTPUT);
    }

    @Test
    void worksAsASubcommandRegisteredByClass() {
        CommandLine top = new CommandLine(new TopByClass());

        assertThat(run(top, "service-account", "list", "--data-dir", dataDir.toString())).isZero();
        assertThat(new ServiceAccountStore(dataDir).list()).isEmpty();
        assertThat(out.toString()).contains("No service accounts");
    }

    @Test
    void aCreatedAccountIsVisibleToAnotherStoreInstance() {
        new ServiceAccountStore(dataDir).create("server-side", "", Set.of(Role.ADMIN));

        assertThat(run("list", "--data-dir", dataDir.toString())).isZero();
        assertThat(out.toString()).contains("server-side");
    }

    // ---- Keys: expiry, rotation, revocation --------------------------------------------------------

    private static final Pattern ROTATE_OUTPUT = Pattern.compile(
            "API Key: ([0-9a-f]{64})\\R"
            + "Key ID: ([0-9a-f]{16})\\R");

    private String dir() {
        return dataDir.toString();
    }

    private Matcher rotate(String id, String... extra) {
        String[] args = new String[5 + extra.length];
        args[0] = "rotate";
        args[1] = "--id";
        args[2] = id;
        args[3] = "--data-dir";
        args[4] = dir();
        System.arraycopy(extra, 0, args, 5, extra.length);
        assertThat(run(args)).as(err.toString()).isZero();
        Matcher matcher = ROTATE_OUTPUT.matcher(out.toString());
        assertThat(matcher.matches()).as(out.toString()).isTrue();
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return matcher;
    }

    @Test
    void createReportsTheKeyIdOnStderrAndKeepsStdoutToTwoLines() {
        assertThat(run("create", "--name", "scraper", "--role", "metrics-reader", "--data-dir", dir())).isZero();

        String keyId = new ServiceAccountStore(dataDir).list().get(0).keys().get(0).id();
        assertThat(out.toString()).matches(CREATE_OUTPUT);
        assertThat(err.toString()).contains("Key ID: " + keyId + " (never expires)");
    }

    @Test
    void createWithExpiresInStoresTheExpiry() {
        assertThat(run("create", "--name", "temp", "--role", "admin", "--expires-in", "30d", "--data-dir", dir())).isZero();

        AccountKey key = new ServiceAccountStore(dataDir).list().get(0).keys().get(0);
        assertThat(Duration.between(key.createdAt(), key.expiresAt())).isEqualTo(Duration.ofDays(30));
        assertThat(err.toString()).contains("expires at " + key.expiresAt());
    }

    @Test
    void anExpiryMoreThanAHundredYearsAheadIsAUsageError() {
        assertThat(run("create", "--name", "temp", "--role", "admin", "--expires-at", "2999-01-01T00:00:00Z",
                "--data-dir", dir())).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).contains("at most 36500 days ahead");
        assertThat(dataDir.resolve(ServiceAccountStore.FILE_NAME)).doesNotExist();
    }

    @Test
    void createWithExpiresAtStoresTheInstant() {
        assertThat(run("create", "--name", "temp", "--role", "admin", "--expires-at", "2090-01-01T00:00:00Z",
                "--data-dir", dir())).as(err.toString()).isZero();
        assertThat(new ServiceAccountStore(dataDir).list().get(0).keys().get(0).expiresAt())
                .isEqualTo(Instant.parse("2090-01-01T00:00:00Z"));
    }

    @Test
    void expiresInAndExpiresAtAreMutuallyExclusive() {
        int exit = run("create", "--name", "temp", "--role", "admin", "--expires-in", "1d",
                "--expires-at", "2090-01-01T00:00:00Z", "--data-dir", dir());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--expires-in").contains("--expires-at").contains("mutually exclusive");
        assertThat(dataDir.resolve(ServiceAccountStore.FILE_NAME)).doesNotExist();
    }

    @Test
    void malformedOrPastExpiriesAreUsageErrorsThatWriteNothing() {
        assertThat(run("create", "--name", "t", "--role", "admin", "--expires-in", "soon", "--data-dir", dir())).isEqualTo(2);
        assertThat(err.toString()).contains("soon: expected a duration such as 30d, 12h");
        assertThat(run("create", "--name", "t", "--role", "admin", "--expires-at", "2001-01-01T00:00:00Z", "--data-dir", dir()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("must be in the future");
        assertThat(dataDir.resolve(ServiceAccountStore.FILE_NAME)).doesNotExist();
    }

    @Test
    void rotatePrintsTheNewKeyAndItsIdAndBothKeysWork() {
        Matcher created = create("scraper", "metrics-reader");
        String oldKey = created.group(1);
        String id = created.group(2);

        assertThat(run("rotate", "--id", id, "--data-dir", dir())).as(err.toString()).isZero();

        Matcher rotated = ROTATE_OUTPUT.matcher(out.toString());
        assertThat(rotated.matches()).as(out.toString()).isTrue();
        String oldKeyId = new ServiceAccountStore(dataDir).list().get(0).keys().get(0).id();
        assertThat(err.toString()).contains("cannot be shown again")
                .contains("revoke-key --id " + id + " --key-id " + oldKeyId);
        ServiceAccountRegistry registry = new ServiceAccountRegistry(new ServiceAccountStore(dataDir));
        assertThat(registry.authenticate(oldKey)).isPresent();
        assertThat(registry.authenticate(rotated.group(1))).isPresent();
        assertThat(new ServiceAccountStore(dataDir).list().get(0).keys()).extracting(AccountKey::id)
                .containsExactly(oldKeyId, rotated.group(2));
    }

    @Test
    void rotateAcceptsAnExpiry() {
        String id = create("scraper", "metrics-reader").group(2);

        String keyId = rotate(id, "--expires-in", "12h").group(2);

        AccountKey key = new ServiceAccountStore(dataDir).list().get(0).key(keyId).orElseThrow();
        assertThat(Duration.between(key.createdAt(), key.expiresAt())).isEqualTo(Duration.ofHours(12));
    }

    @Test
    void rotatingWhenTwoKeysExistIsRefusedWithAClearMessage() {
        String id = create("scraper", "metrics-reader").group(2);
        rotate(id);

        int exit = run("rotate", "--id", id, "--data-dir", dir());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).doesNotContain("API Key");
        assertThat(err.toString()).contains("already holds 2 keys").contains("revoke one")
                .contains("service-account revoke-key --id " + id + " --key-id");
        assertThat(new ServiceAccountStore(dataDir).list().get(0).keys()).hasSize(2);
    }

    @Test
    void rotatingAnUnknownAccountFails() {
        int exit = run("rotate", "--id", "0123456789abcdef0123456789abcdef", "--data-dir", dir());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("no service account with id 0123456789abcdef0123456789abcdef");
    }

    @Test
    void revokeKeyRevokesTheOldKeyAndTheNewOneKeepsWorking() {
        Matcher created = create("scraper", "metrics-reader");
        String id = created.group(2);
        String oldKeyId = new ServiceAccountStore(dataDir).list().get(0).keys().get(0).id();
        Matcher rotated = rotate(id);

        assertThat(run("revoke-key", "--id", id, "--key-id", oldKeyId, "--data-dir", dir())).as(err.toString()).isZero();

        assertThat(out.toString()).contains("Revoked key " + oldKeyId + " of service account " + id);
        ServiceAccountRegistry registry = new ServiceAccountRegistry(new ServiceAccountStore(dataDir));
        assertThat(registry.authenticate(created.group(1))).isEmpty();
        assertThat(registry.authenticate(rotated.group(1))).isPresent();
    }

    @Test
    void theOnlyKeyCannotBeRevoked() {
        String id = create("scraper", "metrics-reader").group(2);
        String keyId = new ServiceAccountStore(dataDir).list().get(0).keys().get(0).id();

        int exit = run("revoke-key", "--id", id, "--key-id", keyId, "--data-dir", dir());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("only key").contains("rotate first");
        assertThat(new ServiceAccountStore(dataDir).list().get(0).keys()).hasSize(1);
    }

    @Test
    void revokingAnUnknownKeyOrAccountFailsNamingIt() {
        String id = create("scraper", "metrics-reader").group(2);

        assertThat(run("revoke-key", "--id", id, "--key-id", "ffffffffffffffff", "--data-dir", dir())).isEqualTo(1);
        assertThat(err.toString()).contains("has no key with id ffffffffffffffff");
        assertThat(run("revoke-key", "--id", "0123456789abcdef0123456789abcdef", "--key-id", "ffffffffffffffff",
                "--data-dir", dir())).isEqualTo(1);
        assertThat(err.toString()).contains("no service account with id 0123456789abcdef0123456789abcdef");
    }

    @Test
    void revokeKeyRequiresBothIds() {
        assertThat(run("revoke-key", "--id", "x", "--data-dir", dir())).isEqualTo(2);
        assertThat(err.toString()).contains("--key-id");
    }

    @Test
    void listShowsEveryKeyIdWithCreationAndExpiryButNeverKeysOrHashes() {
        Matcher created = create("scraper", "metrics-reader");
        String id = created.group(2);
        Matcher rotated = rotate(id, "--expires-at", "2090-01-01T00:00:00Z");
        ServiceAccount account = new ServiceAccountStore(dataDir).list().get(0);

        assertThat(run("list", "--data-dir", dir())).isZero();

        String table = out.toString();
        assertThat(table).contains("KEY ID", "KEY CREATED", "KEY EXPIRES");
        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).contains(id, "scraper", account.keys().get(0).id(), "never");
        assertThat(lines.get(2)).doesNotContain(id).contains(rotated.group(2), "2090-01-01T00:00:00Z");
        for (AccountKey key : account.keys()) {
            assertThat(table).doesNotContain(key.hash());
        }
        assertThat(table).doesNotContain(created.group(1)).doesNotContain(rotated.group(1));
    }

    @Test
    void listMarksExpiredKeys() {
        Instant longAgo = Instant.parse("2001-01-01T00:00:00Z");
        new ServiceAccountStore(dataDir, InstantSource.fixed(longAgo))
                .create("old", "", Set.of(Role.ADMIN), KeyExpiry.parseExpiresIn("1d"));

        assertThat(run("list", "--data-dir", dir())).isZero();

        assertThat(out.toString()).contains("2001-01-02T00:00:00Z (expired)");
    }

    @Test
    void aVersion1StoreIsListedWithItsDerivedKeyId() throws IOException {
        Files.writeString(dataDir.resolve(ServiceAccountStore.FILE_NAME), """
                {"version": 1, "service_accounts": [{"id": "a518d041957a494efc80672f3958102f", "name": "scraper",
                 "description": "", "roles": ["metrics-reader"],
                 "key_sha256": "e2bfef4e262e04664259c61ae6ba53842f78c5a3371e64e7e7933898089566ba",
                 "created_at": "2026-11-22T22:17:24.591Z"}]}""");
        String keyId = new ServiceAccountStore(dataDir).list().get(0).keys().get(0).id();

        assertThat(run("list", "--data-dir", dir())).isZero();

        assertThat(out.toString()).contains("a518d041957a494efc80672f3958102f", keyId, "never");
    }

    @Test
    void helpOfRotateAndRevokeKeyDescribeEveryOption() {
        assertThat(run("rotate", "--help")).isZero();
        assertThat(out.toString()).contains("--id", "--expires-in", "--expires-at", "--data-dir", "30d", "P30D");
        out.getBuffer().setLength(0);
        assertThat(run("revoke-key", "--help")).isZero();
        assertThat(out.toString()).contains("--id", "--key-id", "--data-dir");
    }
}
