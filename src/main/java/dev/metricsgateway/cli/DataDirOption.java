package dev.metricsgateway.cli;

import dev.metricsgateway.auth.ServiceAccountStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data-dir}, shared by every {@code service-account} subcommand (a picocli mixin). */
final class DataDirOption {

    /** The environment variable that sets the default data directory. */
    static final String ENV = "METRICS_GATEWAY_DATA_DIR";

    @Option(names = "--data-dir", paramLabel = "DIR",
            defaultValue = "${env:" + ENV + ":-./data}",
            description = "Data directory holding " + ServiceAccountStore.FILE_NAME
                    + " (default: $" + ENV + ", else ./data; now: ${DEFAULT-VALUE}).")
    Path dataDir;

    ServiceAccountStore store() {
        return new ServiceAccountStore(dataDir);
    }
}
