package dev.metricsgateway;

import dev.metricsgateway.cli.ServeCommand;
import dev.metricsgateway.cli.ServiceAccountCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command-line entry point: parses the command line and runs a subcommand, nothing else. */
@Command(name = "metrics-gateway",
        mixinStandardHelpOptions = true,
        version = "metrics-gateway 0.1.0",
        description = "OpenMetrics aggregation gateway: feature servers and stream jobs send raw events, "
                + "the gateway aggregates them in sliding windows and serves Tecton-style metrics.",
        subcommands = {ServeCommand.class, ServiceAccountCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: serve or service-account");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
