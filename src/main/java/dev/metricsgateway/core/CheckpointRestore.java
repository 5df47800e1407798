package dev.metricsgateway.core;

import java.util.List;
import java.util.Map;

/**
 * What a restore brought back, for the start-up log.
 *
 * @param checkpointMillis the {@code nowMillis} the checkpoint was written at
 * @param seriesRestored   series now live again
 * @param seriesExpired    series left out because they were idle past the series TTL at restore time
 * @param restoredMetrics  metrics whose state was restored (their name and definition are unchanged)
 * @param changedMetrics   metrics of the checkpoint defined differently now (labels, event type,
 *                         aggregation, filter, value or recording scale): they start empty
 * @param removedMetrics   metrics of the checkpoint no longer in the catalog: their state is dropped
 * @param newMetrics       metrics of the catalog the checkpoint does not hold: they start empty
 * @param attachments      the checkpoint's attachments by name (see {@link CheckpointCodec}), as
 *                         written; empty for a version-1 checkpoint
 */
public record CheckpointRestore(
        long checkpointMillis,
        long seriesRestored,
        long seriesExpired,
        List<String> restoredMetrics,
        List<String> changedMetrics,
        List<String> removedMetrics,
        List<String> newMetrics,
        Map<String, byte[]> attachments) {

    public CheckpointRestore {
        restoredMetrics = List.copyOf(restoredMetrics);
        changedMetrics = List.copyOf(changedMetrics);
        removedMetrics = List.copyOf(removedMetrics);
        newMetrics = List.copyOf(newMetrics);
        attachments = Map.copyOf(attachments);
        if (seriesRestored < 0 || seriesExpired < 0) {
            throw new IllegalArgumentException(seriesRestored + "/" + seriesExpired + ": series counts are >= 0");
        }
    }
}
