package dev.metricsgateway.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.metricsgateway.config.ClusterConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

/**
 * The Hazelcast configuration of a member: Vert.x's own maps (from vertx-hazelcast's default
 * configuration), plus only the network the operator configured. Stateless.
 *
 * <ul>
 *   <li>binds to {@code cluster_host} only, on {@code cluster_port} (no port auto-increment);
 *   <li>finds members by TCP/IP ({@code cluster_members}) or, only if asked, multicast; cloud
 *       auto-detection is off;
 *   <li>no phone-home, no Jet, no Hazelcast shutdown hook (the gateway publishes a last state
 *       on SIGTERM and leaves the cluster itself);
 *   <li>a member that stops answering heartbeats is removed after 10 s.
 * </ul>
 */
final class HazelcastSettings {

    /** Member attribute carrying the {@link CatalogFingerprint}. */
    static final String CATALOG_ATTRIBUTE = "metrics-gateway.catalog";

    /**
     * Hazelcast logs through java.util.logging, chattily: warnings only, except the member lists
     * it prints when members join and leave. Held here because JUL keeps its loggers weakly.
     */
    private static final java.util.logging.Logger HAZELCAST_LOG = java.util.logging.Logger.getLogger("com.hazelcast");
    private static final java.util.logging.Logger MEMBERSHIP_LOG = java.util.logging.Logger.getLogger("com.hazelcast.internal.cluster.ClusterService");

    private HazelcastSettings() {
    }

    static Config of(ClusterConfig cluster, String catalogFingerprint) {
        HAZELCAST_LOG.setLevel(java.util.logging.Level.WARNING);
        MEMBERSHIP_LOG.setLevel(java.util.logging.Level.INFO);
        Config config = ConfigUtil.loadConfig();
        config.setClusterName(cluster.name());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.local.localAddress", cluster.host());
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.getJetConfig().setEnabled(false);
        config.getMemberAttributeConfig().setAttribute(CATALOG_ATTRIBUTE, catalogFingerprint);

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(cluster.port()).setPortAutoIncrement(false);
        JoinConfig join = network.getJoin();
        join.getAutoDetectionConfig().setEnabled(false);
        join.getMulticastConfig().setEnabled(cluster.multicast());
        join.getTcpIpConfig().setEnabled(!cluster.multicast()).setConnectionTimeoutSeconds(2);
        join.getTcpIpConfig().setMembers(cluster.members().isEmpty() ? java.util.List.of(cluster.host() + ":" + cluster.port()) : cluster.members());
        return config;
    }
}
