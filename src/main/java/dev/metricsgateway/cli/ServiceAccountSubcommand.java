package dev.metricsgateway.cli;

import dev.metricsgateway.auth.AccountKey;
import dev.metricsgateway.auth.ServiceAccountStore;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every {@code service-account} subcommand shares: {@code --help} and {@code --version}
 * (the top-level command's version), {@code --data-dir}, output through picocli's writers, and
 * the answers to failures: an argument the store refuses (an invalid name, an expiry in the past)
 * is a usage error (exit 2); a store that cannot be read, parsed or written is exit 1 with its
 * message, and is left as it was. A subcommand implements {@link #run} and answers only its own
 * outcomes.
 *
 * <p>Threading: picocli command objects are single-use and confined to the calling thread.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = TopLevelVersion.class)
abstract class ServiceAccountSubcommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DataDirOption dataDir;

    @Override
    public final Integer call() {
        try {
            return run(dataDir.store());
        } catch (IllegalArgumentException e) {
            return fail(CommandLine.ExitCode.USAGE, e.getMessage());
        } catch (IllegalStateException | UncheckedIOException e) {
            return fail(CommandLine.ExitCode.SOFTWARE, e.getMessage());
        }
    }

    /** Does the work on the data directory's store and prints the result; returns the exit code. */
    abstract int run(ServiceAccountStore store);

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints {@code Error: <message>} on stderr; returns {@code exitCode}. */
    int fail(int exitCode, String message) {
        PrintWriter err = err();
        err.println("Error: " + message);
        err.flush();
        return exitCode;
    }

    /** The failure for an account id the store does not hold. */
    int noSuchAccount(String id) {
        return fail(CommandLine.ExitCode.SOFTWARE, "no service account with id " + id + " in " + dataDir.dataDir);
    }

    /** "never expires" or "expires at 2025-12-31T00:00:00Z", for messages. */
    static String describeExpiry(AccountKey key) {
        return key.expiresAt() == null ? "never expires" : "expires at " + key.expiresAt();
    }
}
