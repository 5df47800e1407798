package dev.metricsgateway.cli;

import dev.metricsgateway.auth.CreatedServiceAccount;
import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.ServiceAccount;
import dev.metricsgateway.auth.ServiceAccountStore;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code service-account create|list|delete}: manages the service accounts of a data directory
 * from the command line, also while a server runs on it (the server picks changes up within
 * seconds). Usable as a subcommand of the top-level command, either registered as an instance
 * ({@code addSubcommand(new ServiceAccountCommand())}) or by class ({@code subcommands = ...}).
 *
 * <p>Output goes to {@code spec.commandLine().getOut()/getErr()}, so tests can capture it.
 * Commands return exit codes: 0 success, 1 failure (unknown id, unreadable store), 2 usage error.
 *
 * <p>Threading: picocli command objects are single-use and confined to the calling thread.
 */
@Command(name = "service-account",
        mixinStandardHelpOptions = true,
        versionProvider = ServiceAccountCommand.TopLevelVersion.class,
        description = {
            "Manage the service accounts whose API keys authenticate requests to /api/... "
                + "(header 'Authorization: Tecton-key <key>').",
            "Roles: metrics-reader (scrape metrics), event-writer (ingest events), "
                + "admin (everything, including the service-account API)."
        },
        subcommands = {
            ServiceAccountCommand.CreateCommand.class,
            ServiceAccountCommand.ListCommand.class,
            ServiceAccountCommand.DeleteCommand.class
        })
public final class ServiceAccountCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: create, list or delete");
    }

    /** {@code --data-dir}, shared by every subcommand. */
    public static final class DataDirOption {

        /** The environment variable that sets the default data directory. */
        public static final String ENV = "METRICS_GATEWAY_DATA_DIR";

        @Option(names = "--data-dir", paramLabel = "DIR",
                defaultValue = "${env:" + ENV + ":-./data}",
                description = "Data directory holding " + ServiceAccountStore.FILE_NAME
                        + " (default: $" + ENV + ", else ./data; now: ${DEFAULT-VALUE}).")
        Path dataDir;

        ServiceAccountStore store() {
            return new ServiceAccountStore(dataDir);
        }
    }

    /** {@code service-account create}: prints the new key once, and the account id. */
    @Command(name = "create",
            mixinStandardHelpOptions = true,
            versionProvider = ServiceAccountCommand.TopLevelVersion.class,
            description = {
                "Create a service account and print its API key (shown only this once).",
                "Output, on stdout:",
                "  API Key: <key>",
                "  Service Account ID: <id>",
                "Only a hash of the key is stored."
            })
    public static final class CreateCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "Name of the account, 1 to " + ServiceAccount.MAX_NAME_LENGTH + " characters.")
        String name;

        @Option(names = "--description", paramLabel = "TEXT", defaultValue = "",
                description = "What the account is for (optional).")
        String description;

        @Option(names = "--role", required = true, paramLabel = "ROLE", split = ",",
                converter = RoleConverter.class, completionCandidates = RoleNames.class,
                description = "Role to grant; repeat for several. Valid roles: ${COMPLETION-CANDIDATES}.")
        List<Role> roles;

        @Mixin
        DataDirOption dataDir;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            CreatedServiceAccount created;
            try {
                created = dataDir.store().create(name, description, EnumSet.copyOf(roles));
            } catch (IllegalArgumentException e) {
                return fail(spec, CommandLine.ExitCode.USAGE, e.getMessage());
            } catch (IllegalStateException | UncheckedIOException e) {
                return fail(spec, CommandLine.ExitCode.SOFTWARE, e.getMessage());
            }
            out.println("API Key: " + created.plaintextKey());
            out.println("Service Account ID: " + created.account().id());
            out.flush();
            // On stderr, so stdout holds exactly the two lines above for scripts.
            err.println("Save this API key now: it cannot be shown again.");
            err.flush();
            return CommandLine.ExitCode.OK;
        }
    }

    /** {@code service-account list}: a table of accounts, never keys or hashes. */
    @Command(name = "list",
            mixinStandardHelpOptions = true,
            versionProvider = ServiceAccountCommand.TopLevelVersion.class,
            description = "List the service accounts: id, name, roles and creation time (UTC). Keys are never shown.")
    public static final class ListCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        DataDirOption dataDir;

        @Override
        public Integer call() {
            List<ServiceAccount> accounts;
            try {
                accounts = dataDir.store().list();
            } catch (IllegalStateException | UncheckedIOException e) {
                return fail(spec, CommandLine.ExitCode.SOFTWARE, e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (accounts.isEmpty()) {
                out.println("No service accounts in " + dataDir.dataDir + ".");
            } else {
                out.print(table(accounts));
            }
            out.flush();
            return CommandLine.ExitCode.OK;
        }

        static String table(List<ServiceAccount> accounts) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "NAME", "ROLES", "CREATED"});
            for (ServiceAccount account : accounts) {
                rows.add(new String[] {
                    account.id(),
                    account.name(),
                    account.roles().stream().map(Role::wireName).collect(Collectors.joining(",")),
                    account.createdAt().toString()
                });
            }
            int[] widths = new int[4];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            StringBuilder table = new StringBuilder();
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    table.append(i < row.length - 1 ? String.format("%-" + widths[i] + "s  ", row[i]) : row[i]);
                }
                table.append(System.lineSeparator());
            }
            return table.toString();
        }
    }

    /** {@code service-account delete --id ID}. */
    @Command(name = "delete",
            mixinStandardHelpOptions = true,
            versionProvider = ServiceAccountCommand.TopLevelVersion.class,
            description = "Delete a service account; its key stops working (on a running server within seconds).")
    public static final class DeleteCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--id", required = true, paramLabel = "ID",
                description = "Id of the account, as printed by 'create' and 'list'.")
        String id;

        @Mixin
        DataDirOption dataDir;

        @Override
        public Integer call() {
            boolean deleted;
            try {
                deleted = dataDir.store().delete(id);
            } catch (IllegalStateException | UncheckedIOException e) {
                return fail(spec, CommandLine.ExitCode.SOFTWARE, e.getMessage());
            }
            if (!deleted) {
                return fail(spec, CommandLine.ExitCode.SOFTWARE,
                        "no service account with id " + id + " in " + dataDir.dataDir);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("Deleted service account " + id + ".");
            out.flush();
            return CommandLine.ExitCode.OK;
        }
    }

    /** {@code -V} prints the version of the top-level command this one is registered under. */
    public static final class TopLevelVersion implements IVersionProvider {

        @Spec
        CommandSpec spec;

        @Override
        public String[] getVersion() {
            // Standalone (no parent) the root is this very command: asking it would recurse.
            String[] version = spec.root() == spec ? new String[0] : spec.root().version();
            return version.length > 0 ? version : new String[] {"metrics-gateway"};
        }
    }

    /** Parses role wire names, listing the valid ones on error. */
    public static final class RoleConverter implements ITypeConverter<Role> {
        @Override
        public Role convert(String value) {
            try {
                return Role.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** The role wire names, for help texts and shell completion. */
    public static final class RoleNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Role.values()).map(Role::wireName).iterator();
        }
    }

    private static int fail(CommandSpec spec, int exitCode, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("Error: " + message);
        err.flush();
        return exitCode;
    }
}
