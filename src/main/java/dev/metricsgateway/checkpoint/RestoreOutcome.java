package dev.metricsgateway.checkpoint;

import dev.metricsgateway.core.CheckpointRestore;
import java.nio.file.Path;

/** What {@link CheckpointStore#restore()} found at start-up. Immutable. */
public sealed interface RestoreOutcome {

    /** The data dir held no checkpoint: the gateway starts empty. */
    record NoCheckpoint() implements RestoreOutcome {
    }

    /** The checkpoint was restored; {@code report} says what it held. */
    record Restored(CheckpointRestore report) implements RestoreOutcome {
    }

    /**
     * The checkpoint could not be restored and was renamed to {@code movedTo}; the gateway starts
     * empty.
     *
     * @param kind    {@code corrupt}, {@code incompatible} or {@code unreadable}: the renamed file's infix
     * @param problem what was wrong with it
     */
    record MovedAside(String kind, Path movedTo, String problem) implements RestoreOutcome {
    }

    /** Another gateway checkpoints in this data dir: this one neither restores nor writes. */
    record LockedByAnother(Path lockFile) implements RestoreOutcome {
    }
}
