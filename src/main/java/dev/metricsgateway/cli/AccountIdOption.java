package dev.metricsgateway.cli;

import picocli.CommandLine.Option;

/** {@code --id}: the account a {@code service-account} subcommand works on (a picocli mixin). */
final class AccountIdOption {

    @Option(names = "--id", required = true, paramLabel = "ID",
            description = "Id of the account, as printed by 'create' and 'list'.")
    String id;
}
