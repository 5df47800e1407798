package dev.metricsgateway.cli;

import dev.metricsgateway.auth.ServiceAccountStore;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code service-account revoke-key --id ID --key-id KEYID}. */
@Command(name = "revoke-key",
        description = {
            "Revoke one API key of a service account; it stops working (on a running server within seconds).",
            "An account's only key cannot be revoked: rotate first, or delete the account."
        })
final class ServiceAccountRevokeKeyCommand extends ServiceAccountSubcommand {

    @Mixin
    AccountIdOption account;

    @Option(names = "--key-id", required = true, paramLabel = "KEY_ID",
            description = "Id of the key, as printed by 'rotate' and 'list'.")
    String keyId;

    @Override
    int run(ServiceAccountStore store) {
        String id = account.id;
        return switch (store.revokeKey(id, keyId)) {
            case REVOKED -> {
                PrintWriter out = out();
                out.println("Revoked key " + keyId + " of service account " + id + ".");
                out.flush();
                yield CommandLine.ExitCode.OK;
            }
            case UNKNOWN_ACCOUNT -> noSuchAccount(id);
            case UNKNOWN_KEY -> fail(CommandLine.ExitCode.SOFTWARE,
                    "service account " + id + " has no key with id " + keyId + "; 'service-account list' shows its keys");
            case ONLY_KEY -> fail(CommandLine.ExitCode.SOFTWARE,
                    "key " + keyId + " is the only key of service account " + id
                            + "; rotate first (service-account rotate --id " + id + "), or delete the account");
        };
    }
}
