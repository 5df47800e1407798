package dev.metricsgateway.cli;

import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code -V} prints the version of the top-level command this one is registered under. */
final class TopLevelVersion implements IVersionProvider {

    @Spec
    CommandSpec spec;

    @Override
    public String[] getVersion() {
        // Standalone (no parent) the root is this very command: asking it would recurse.
        String[] version = spec.root() == spec ? new String[0] : spec.root().version();
        return version.length > 0 ? version : new String[] {"metrics-gateway"};
    }
}
