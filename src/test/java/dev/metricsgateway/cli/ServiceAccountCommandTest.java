package dev.metricsgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.auth.ApiKeys;
import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.ServiceAccount;
import dev.metricsgateway.auth.ServiceAccountRegistry;
import dev.metricsgateway.auth.ServiceAccountStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(err.toString()).contains("create").contains("list").contains("delete");
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
}
