package dev.metricsgateway.cli;

import dev.metricsgateway.auth.AccountKey;
import dev.metricsgateway.auth.CreatedServiceAccount;
import dev.metricsgateway.auth.IssuedKey;
import dev.metricsgateway.auth.KeyExpiry;
import dev.metricsgateway.auth.KeyLimitException;
import dev.metricsgateway.auth.KeyRevocation;
import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.ServiceAccount;
import dev.metricsgateway.auth.ServiceAccountStore;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
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
 * {@code service-account create|list|delete|rotate|revoke-key}: manages the service accounts of a
 * data directory and their keys from the command line, also while a server runs on it (the
 * server picks changes up within seconds). Usable as a subcommand of the top-level command, either registered as an instance
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
            ServiceAccountCommand.DeleteCommand.class,
            ServiceAccountCommand.RotateCommand.class,
            ServiceAccountCommand.RevokeKeyCommand.class
        })
public final class ServiceAccountCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: create, list, delete, rotate or revoke-key");
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

    /** {@code --expires-in} or {@code --expires-at}: when a new key stops working (default: never). */
    public static final class ExpiryOptions {

        @Option(names = "--expires-in", paramLabel = "DURATION", converter = ExpiresInConverter.class,
                description = "The key stops working this long after it is issued: 30d, 12h, 90m, 45s "
                        + "or ISO-8601 (P30D, PT12H). Default: never.")
        KeyExpiry expiresIn;

        @Option(names = "--expires-at", paramLabel = "INSTANT", converter = ExpiresAtConverter.class,
                description = "The key stops working at this ISO-8601 instant, e.g. 2025-12-31T00:00:00Z.")
        KeyExpiry expiresAt;

        static KeyExpiry of(ExpiryOptions options) {
            if (options == null) {
                return KeyExpiry.NEVER;
            }
            return options.expiresIn != null ? options.expiresIn : options.expiresAt;
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
                "Only a hash of the key is stored. The key's id and expiry go to stderr and 'list'."
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

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        ExpiryOptions expiry;

        @Mixin
        DataDirOption dataDir;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            CreatedServiceAccount created;
            try {
                created = dataDir.store().create(name, description, EnumSet.copyOf(roles), ExpiryOptions.of(expiry));
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
            err.println("Key ID: " + created.key().id() + " (" + describeExpiry(created.key()) + ")");
            err.flush();
            return CommandLine.ExitCode.OK;
        }
    }

    /** {@code service-account rotate --id ID}: issues a second key; the old one keeps working until revoked. */
    @Command(name = "rotate",
            mixinStandardHelpOptions = true,
            versionProvider = ServiceAccountCommand.TopLevelVersion.class,
            description = {
                "Issue a new API key for a service account (shown only this once). The old key keeps "
                    + "working until you revoke it with 'revoke-key', so clients can switch without downtime.",
                "An account holds at most " + ServiceAccount.MAX_KEYS + " keys: revoke one before rotating again.",
                "Output, on stdout:",
                "  API Key: <key>",
                "  Key ID: <key id>"
            })
    public static final class RotateCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--id", required = true, paramLabel = "ID",
                description = "Id of the account, as printed by 'create' and 'list'.")
        String id;

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        ExpiryOptions expiry;

        @Mixin
        DataDirOption dataDir;

        @Override
        public Integer call() {
            Optional<IssuedKey> issued;
            try {
                issued = dataDir.store().rotate(id, ExpiryOptions.of(expiry));
            } catch (KeyLimitException e) {
                return fail(spec, CommandLine.ExitCode.SOFTWARE, e.getMessage()
                        + ": service-account revoke-key --id " + id + " --key-id KEY_ID");
            } catch (IllegalArgumentException e) {
                return fail(spec, CommandLine.ExitCode.USAGE, e.getMessage());
            } catch (IllegalStateException | UncheckedIOException e) {
                return fail(spec, CommandLine.ExitCode.SOFTWARE, e.getMessage());
            }
            if (issued.isEmpty()) {
                return fail(spec, CommandLine.ExitCode.SOFTWARE, "no service account with id " + id + " in " + dataDir.dataDir);
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            out.println("API Key: " + issued.get().plaintextKey());
            out.println("Key ID: " + issued.get().key().id());
            out.flush();
            err.println("Save this API key now: it cannot be shown again. It " + describeExpiry(issued.get().key()) + ".");
            for (AccountKey old : issued.get().account().keys()) {
                if (!old.id().equals(issued.get().key().id())) {
                    err.println("The previous key " + old.id() + " keeps working until you revoke it: "
                            + "service-account revoke-key --id " + id + " --key-id " + old.id());
                }
            }
            err.flush();
            return CommandLine.ExitCode.OK;
        }
    }

    /** {@code service-account revoke-key --id ID --key-id KEYID}. */
    @Command(name = "revoke-key",
            mixinStandardHelpOptions = true,
            versionProvider = ServiceAccountCommand.TopLevelVersion.class,
            description = {
                "Revoke one API key of a service account; it stops working (on a running server within seconds).",
                "An account's only key cannot be revoked: rotate first, or delete the account."
            })
    public static final class RevokeKeyCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--id", required = true, paramLabel = "ID",
                description = "Id of the account, as printed by 'create' and 'list'.")
        String id;

        @Option(names = "--key-id", required = true, paramLabel = "KEY_ID",
                description = "Id of the key, as printed by 'rotate' and 'list'.")
        String keyId;

        @Mixin
        DataDirOption dataDir;

        @Override
        public Integer call() {
            KeyRevocation revocation;
            try {
                revocation = dataDir.store().revokeKey(id, keyId);
            } catch (IllegalStateException | UncheckedIOException e) {
                return fail(spec, CommandLine.ExitCode.SOFTWARE, e.getMessage());
            }
            return switch (revocation) {
                case REVOKED -> {
                    PrintWriter out = spec.commandLine().getOut();
                    out.println("Revoked key " + keyId + " of service account " + id + ".");
                    out.flush();
                    yield CommandLine.ExitCode.OK;
                }
                case UNKNOWN_ACCOUNT -> fail(spec, CommandLine.ExitCode.SOFTWARE,
                        "no service account with id " + id + " in " + dataDir.dataDir);
                case UNKNOWN_KEY -> fail(spec, CommandLine.ExitCode.SOFTWARE,
                        "service account " + id + " has no key with id " + keyId + "; 'service-account list' shows its keys");
                case ONLY_KEY -> fail(spec, CommandLine.ExitCode.SOFTWARE,
                        "key " + keyId + " is the only key of service account " + id
                                + "; rotate first (service-account rotate --id " + id + "), or delete the account");
            };
        }
    }

    /** "never expires" or "expires at 2025-12-31T00:00:00Z", for messages. */
    static String describeExpiry(AccountKey key) {
        return key.expiresAt() == null ? "never expires" : "expires at " + key.expiresAt();
    }

    /** {@code service-account list}: a table of accounts, never keys or hashes. */
    @Command(name = "list",
            mixinStandardHelpOptions = true,
            versionProvider = ServiceAccountCommand.TopLevelVersion.class,
            description = "List the service accounts (id, name, roles, creation time) and their keys "
                    + "(key id, creation, expiry; times in UTC). Keys and their hashes are never shown.")
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
                out.print(table(accounts, Instant.now()));
            }
            out.flush();
            return CommandLine.ExitCode.OK;
        }

        /**
         * One row per key: the account's columns on its first key's row, blank on the second's.
         *
         * @param now marks keys expired by then
         */
        static String table(List<ServiceAccount> accounts, Instant now) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "NAME", "ROLES", "CREATED", "KEY ID", "KEY CREATED", "KEY EXPIRES"});
            for (ServiceAccount account : accounts) {
                for (int k = 0; k < account.keys().size(); k++) {
                    AccountKey key = account.keys().get(k);
                    boolean first = k == 0;
                    rows.add(new String[] {
                        first ? account.id() : "",
                        first ? account.name() : "",
                        first ? account.roles().stream().map(Role::wireName).collect(Collectors.joining(",")) : "",
                        first ? account.createdAt().toString() : "",
                        key.id(),
                        key.createdAt().toString(),
                        key.expiresAt() == null ? "never" : key.expiresAt() + (key.isExpiredAt(now) ? " (expired)" : "")
                    });
                }
            }
            int[] widths = new int[rows.get(0).length];
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

    /** Parses {@code --expires-in}, naming the accepted forms on error. */
    public static final class ExpiresInConverter implements ITypeConverter<KeyExpiry> {
        @Override
        public KeyExpiry convert(String value) {
            try {
                return KeyExpiry.parseExpiresIn(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Parses {@code --expires-at}, naming the accepted form on error. */
    public static final class ExpiresAtConverter implements ITypeConverter<KeyExpiry> {
        @Override
        public KeyExpiry convert(String value) {
            try {
                return KeyExpiry.parseExpiresAt(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    private static int fail(CommandSpec spec, int exitCode, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("Error: " + message);
        err.flush();
        return exitCode;
    }
}
