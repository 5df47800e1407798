/**
 * Picocli subcommands of the {@code metrics-gateway} command line. Commands parse arguments, call
 * into the packages that do the work, print through {@code spec.commandLine().getOut()/getErr()}
 * and return exit codes; they hold no logic of their own.
 */
package dev.metricsgateway.cli;
