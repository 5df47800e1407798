package dev.metricsgateway.cli;

import dev.metricsgateway.auth.CreatedServiceAccount;
import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.ServiceAccount;
import dev.metricsgateway.auth.ServiceAccountStore;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code service-account create}: prints the new key once, and the account id. */
@Command(name = "create",
        description = {
            "Create a service account and print its API key (shown only this once).",
            "Output, on stdout:",
            "  API Key: <key>",
            "  Service Account ID: <id>",
            "Only a hash of the key is stored. The key's id and expiry go to stderr and 'list'."
        })
final class ServiceAccountCreateCommand extends ServiceAccountSubcommand {

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
    KeyExpiryOptions expiry;

    @Override
    int run(ServiceAccountStore store) {
        CreatedServiceAccount created = store.create(name, description, EnumSet.copyOf(roles), KeyExpiryOptions.of(expiry));
        PrintWriter out = out();
        out.println("API Key: " + created.plaintextKey());
        out.println("Service Account ID: " + created.account().id());
        out.flush();
        // On stderr, so stdout holds exactly the two lines above for scripts.
        PrintWriter err = err();
        err.println("Save this API key now: it cannot be shown again.");
        err.println("Key ID: " + created.key().id() + " (" + describeExpiry(created.key()) + ")");
        err.flush();
        return CommandLine.ExitCode.OK;
    }

    /** Parses role wire names, listing the valid ones on error. */
    static final class RoleConverter extends ParsingConverter<Role> {
        RoleConverter() {
            super(Role::parse);
        }
    }

    /** The role wire names, for help texts and shell completion. */
    static final class RoleNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Role.values()).map(Role::wireName).iterator();
        }
    }
}
