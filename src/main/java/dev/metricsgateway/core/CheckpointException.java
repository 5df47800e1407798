package dev.metricsgateway.core;

/**
 * A checkpoint that cannot be restored, and why: its bytes are damaged ({@link Reason#CORRUPT}),
 * or they are intact but were written for something this engine is not ({@link
 * Reason#INCOMPATIBLE}: another format version or another window length). Either way the engine
 * it was restored into is unchanged.
 */
public final class CheckpointException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a checkpoint was refused. */
    public enum Reason {
        /** The bytes are not a checkpoint, are truncated, or fail their checksum or a sanity check. */
        CORRUPT,
        /** An intact checkpoint of another format version or window length. */
        INCOMPATIBLE
    }

    private final Reason reason;

    private CheckpointException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    static CheckpointException corrupt(String problem) {
        return new CheckpointException(Reason.CORRUPT, problem);
    }

    static CheckpointException incompatible(String problem) {
        return new CheckpointException(Reason.INCOMPATIBLE, problem);
    }

    public Reason reason() {
        return reason;
    }
}
