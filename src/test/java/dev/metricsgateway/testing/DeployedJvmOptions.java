package dev.metricsgateway.testing;

import java.util.List;

/**
 * The JVM options the gateway ships with: deploy/Dockerfile ({@code JDK_JAVA_OPTIONS}), the
 * systemd unit's {@code ExecStart} and the README's "JVM options". The benchmarks start their
 * gateways with them, so a figure is the gateway as deployed; {@code DeployManifestsTest} checks
 * the deployment files carry them.
 */
public final class DeployedJvmOptions {

    /**
     * The parallel collector (its write barrier is a card mark, where G1's costs ingest ~8 %),
     * huge pages for the heap, surviving objects (series state) promoted at the next collection.
     */
    public static final List<String> OPTIONS = List.of("-XX:+UseParallelGC", "-XX:+UseTransparentHugePages", "-XX:MaxTenuringThreshold=1");

    private DeployedJvmOptions() {
    }
}
