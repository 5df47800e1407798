package dev.metricsgateway.cli;

import dev.metricsgateway.auth.AccountKey;
import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.ServiceAccount;
import dev.metricsgateway.auth.ServiceAccountStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code service-account list}: a table of accounts, never keys or hashes. */
@Command(name = "list",
        description = "List the service accounts (id, name, roles, creation time) and their keys "
                + "(key id, creation, expiry; times in UTC). Keys and their hashes are never shown.")
final class ServiceAccountListCommand extends ServiceAccountSubcommand {

    @Override
    int run(ServiceAccountStore store) {
        List<ServiceAccount> accounts = store.list();
        PrintWriter out = out();
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
