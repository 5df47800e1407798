package dev.metricsgateway.config;

import java.nio.file.Path;

/**
 * Every setting of a running gateway, validated. Built by {@link ConfigLoader}; see the README's
 * configuration table for each key's meaning, default and environment variable.
 *
 * <p>{@link #toString()} never shows the bootstrap key.
 *
 * @param cluster the cluster settings; used only when {@link ClusterConfig#enabled()}
 */
public record GatewayConfig(
        String host,
        int port,
        Path tlsCertFile,
        Path tlsKeyFile,
        Path dataDir,
        long checkpointIntervalSeconds,
        int windowSeconds,
        long seriesTtlSeconds,
        long instanceTtlSeconds,
        long maxFutureSkewSeconds,
        boolean timestamps,
        long maxBodyBytes,
        long maxDecompressedBytes,
        int maxInflightIngestRequests,
        long idleTimeoutSeconds,
        long requestTimeoutSeconds,
        int maxSeriesPerMetric,
        long maxSeriesTotal,
        long idempotencyWindowSeconds,
        int maxIdempotencyKeys,
        Path catalog,
        long shutdownDrainSeconds,
        long shutdownTimeoutSeconds,
        int eventLoops,
        int authFailureLimit,
        long authFailureWindowSeconds,
        int authFailureMaxAddresses,
        int maxEventsPerBatch,
        int maxConnections,
        long maxEventLoopLagMillis,
        String bootstrapKey,
        ClusterConfig cluster) {

    /** Whether the gateway serves HTTPS. */
    public boolean tls() {
        return tlsCertFile != null;
    }

    /** {@code http} or {@code https}. */
    public String scheme() {
        return tls() ? "https" : "http";
    }

    @Override
    public String toString() {
        return "GatewayConfig[host=" + host + ", port=" + port + ", tlsCertFile=" + tlsCertFile + ", tlsKeyFile=" + tlsKeyFile
                + ", dataDir=" + dataDir + ", checkpointIntervalSeconds=" + checkpointIntervalSeconds
                + ", windowSeconds=" + windowSeconds + ", seriesTtlSeconds=" + seriesTtlSeconds
                + ", instanceTtlSeconds=" + instanceTtlSeconds + ", maxFutureSkewSeconds=" + maxFutureSkewSeconds
                + ", timestamps=" + timestamps + ", maxBodyBytes=" + maxBodyBytes
                + ", maxDecompressedBytes=" + maxDecompressedBytes
                + ", maxInflightIngestRequests=" + maxInflightIngestRequests
                + ", idleTimeoutSeconds=" + idleTimeoutSeconds
                + ", requestTimeoutSeconds=" + requestTimeoutSeconds + ", maxSeriesPerMetric=" + maxSeriesPerMetric + ", maxSeriesTotal=" + maxSeriesTotal
                + ", idempotencyWindowSeconds=" + idempotencyWindowSeconds + ", maxIdempotencyKeys=" + maxIdempotencyKeys
                + ", catalog=" + catalog
                + ", shutdownDrainSeconds=" + shutdownDrainSeconds + ", shutdownTimeoutSeconds=" + shutdownTimeoutSeconds + ", eventLoops=" + eventLoops
                + ", authFailureLimit=" + authFailureLimit + ", authFailureWindowSeconds=" + authFailureWindowSeconds
                + ", authFailureMaxAddresses=" + authFailureMaxAddresses
                + ", maxEventsPerBatch=" + maxEventsPerBatch + ", maxConnections=" + maxConnections + ", maxEventLoopLagMillis=" + maxEventLoopLagMillis
                + ", bootstrapKey=" + (bootstrapKey == null ? "unset" : "***") + ", cluster=" + cluster + "]";
    }
}
