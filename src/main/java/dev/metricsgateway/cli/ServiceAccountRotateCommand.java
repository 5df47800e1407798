package dev.metricsgateway.cli;

import dev.metricsgateway.auth.AccountKey;
import dev.metricsgateway.auth.IssuedKey;
import dev.metricsgateway.auth.KeyLimitException;
import dev.metricsgateway.auth.ServiceAccount;
import dev.metricsgateway.auth.ServiceAccountStore;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code service-account rotate --id ID}: issues a second key; the old one keeps working until revoked. */
@Command(name = "rotate",
        description = {
            "Issue a new API key for a service account (shown only this once). The old key keeps "
                + "working until you revoke it with 'revoke-key', so clients can switch without downtime.",
            "An account holds at most " + ServiceAccount.MAX_KEYS + " keys: revoke one before rotating again.",
            "Output, on stdout:",
            "  API Key: <key>",
            "  Key ID: <key id>"
        })
final class ServiceAccountRotateCommand extends ServiceAccountSubcommand {

    @Mixin
    AccountIdOption account;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    KeyExpiryOptions expiry;

    @Override
    int run(ServiceAccountStore store) {
        String id = account.id;
        Optional<IssuedKey> issued;
        try {
            issued = store.rotate(id, KeyExpiryOptions.of(expiry));
        } catch (KeyLimitException e) {
            return fail(CommandLine.ExitCode.SOFTWARE, e.getMessage()
                    + ": service-account revoke-key --id " + id + " --key-id KEY_ID");
        }
        if (issued.isEmpty()) {
            return noSuchAccount(id);
        }
        PrintWriter out = out();
        out.println("API Key: " + issued.get().plaintextKey());
        out.println("Key ID: " + issued.get().key().id());
        out.flush();
        PrintWriter err = err();
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
