package dev.metricsgateway.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code service-account create|list|delete|rotate|revoke-key}: manages the service accounts of a
 * data directory and their keys from the command line, also while a server runs on it (the
 * server picks changes up within seconds). Usable as a subcommand of the top-level command, either
 * registered as an instance ({@code addSubcommand(new ServiceAccountCommand())}) or by class
 * ({@code subcommands = ...}).
 *
 * <p>Each subcommand is a {@link ServiceAccountSubcommand}: output goes to
 * {@code spec.commandLine().getOut()/getErr()}, so tests can capture it, and the exit codes are 0
 * success, 1 failure (unknown id, unreadable store), 2 usage error.
 *
 * <p>Threading: picocli command objects are single-use and confined to the calling thread.
 */
@Command(name = "service-account",
        mixinStandardHelpOptions = true,
        versionProvider = TopLevelVersion.class,
        description = {
            "Manage the service accounts whose API keys authenticate requests to /api/... "
                + "(header 'Authorization: Tecton-key <key>').",
            "Roles: metrics-reader (scrape metrics), event-writer (ingest events), "
                + "admin (everything, including the service-account API)."
        },
        subcommands = {
            ServiceAccountCreateCommand.class,
            ServiceAccountListCommand.class,
            ServiceAccountDeleteCommand.class,
            ServiceAccountRotateCommand.class,
            ServiceAccountRevokeKeyCommand.class
        })
public final class ServiceAccountCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: create, list, delete, rotate or revoke-key");
    }
}
