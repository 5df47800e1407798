package dev.metricsgateway.config;

import java.util.List;

/**
 * The cluster settings of a gateway ({@code serve --cluster}); see the README's "Running a
 * cluster". Validated by {@link ConfigLoader}.
 *
 * @param enabled                  whether the gateway joins a cluster at all
 * @param host                     the address Hazelcast and the event bus bind to and announce
 * @param port                     Hazelcast's membership port
 * @param busPort                  the Vert.x clustered event bus's port
 * @param members                  {@code host[:port]} of the members to join by TCP/IP
 * @param multicast                find members by multicast instead (never both)
 * @param name                     members of other cluster names are not joined
 * @param nodeName                 this member's name, stable across its restarts; empty for the
 *                                 default (see {@link #memberName()})
 * @param publishIntervalSeconds   how often this member publishes its state to the cluster
 * @param scrapeTimeoutMillis      how long a scrape waits for one member's current state
 */
public record ClusterConfig(
        boolean enabled,
        String host,
        int port,
        int busPort,
        List<String> members,
        boolean multicast,
        String name,
        String nodeName,
        long publishIntervalSeconds,
        long scrapeTimeoutMillis) {

    public ClusterConfig {
        members = List.copyOf(members);
    }

    /** The name this member's state is published under: {@code nodeName}, else {@code host:port}. */
    public String memberName() {
        return nodeName.isEmpty() ? host + ":" + port : nodeName;
    }
}
