package dev.metricsgateway.cluster;

import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.CheckpointException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The core's checkpoint bytes as the cluster ships them: in memory, whole. Stateless. */
final class Checkpoints {

    /**
     * The {@code nowMillis} a partial state is restored at: no series is left out for being idle
     * past the series TTL. A member's copy of a series may be idle while the series is busy on
     * other members; whether the merged series is alive is decided by the merged engine's
     * snapshot, on the latest event of all members, as one gateway fed every event would decide.
     */
    static final long KEEP_EVERY_SERIES = Long.MIN_VALUE / 4;

    private Checkpoints() {
    }

    static byte[] write(AggregationEngine engine, long nowMillis) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            engine.writeCheckpoint(out, nowMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    /**
     * Merges {@code checkpoint} into {@code engine} (empty or not), keeping every series.
     *
     * @throws IllegalArgumentException when the bytes are damaged or of another window length
     */
    static void mergeInto(AggregationEngine engine, byte[] checkpoint) {
        try {
            engine.restoreCheckpoint(new ByteArrayInputStream(checkpoint), KEEP_EVERY_SERIES);
        } catch (CheckpointException e) {
            throw new IllegalArgumentException("cannot merge a member's state: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
