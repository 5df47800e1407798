package dev.metricsgateway.cli;

import dev.metricsgateway.auth.ServiceAccountStore;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code service-account delete --id ID}. */
@Command(name = "delete",
        description = "Delete a service account; its key stops working (on a running server within seconds).")
final class ServiceAccountDeleteCommand extends ServiceAccountSubcommand {

    @Mixin
    AccountIdOption account;

    @Override
    int run(ServiceAccountStore store) {
        if (!store.delete(account.id)) {
            return noSuchAccount(account.id);
        }
        PrintWriter out = out();
        out.println("Deleted service account " + account.id + ".");
        out.flush();
        return CommandLine.ExitCode.OK;
    }
}
