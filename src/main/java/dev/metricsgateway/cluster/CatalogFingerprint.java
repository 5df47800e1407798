package dev.metricsgateway.cluster;

import dev.metricsgateway.catalog.Catalog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * What members must agree on to merge their states: the catalog (every event type and metric
 * definition) and the window length, hashed. Members with different fingerprints would serve
 * different metrics from different nodes, so a member whose fingerprint differs from the
 * cluster's is refused at join. Stateless.
 */
final class CatalogFingerprint {

    private CatalogFingerprint() {
    }

    /** SHA-256, hex, of the catalog's definitions in name order and the window. */
    static String of(Catalog catalog, int windowSeconds) {
        StringBuilder text = new StringBuilder();
        text.append("window_seconds=").append(windowSeconds).append('\n');
        // The catalog model is records all the way down: their text form is their whole content.
        new TreeMap<>(catalog.eventTypes()).forEach((name, type) -> text.append(type).append('\n'));
        new TreeMap<>(catalog.metrics()).forEach((name, metric) -> text.append(metric).append('\n'));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
