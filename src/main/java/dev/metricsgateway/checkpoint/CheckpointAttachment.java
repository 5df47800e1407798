package dev.metricsgateway.checkpoint;

/**
 * State of another part of the gateway kept in the aggregation checkpoint, so that it is restored
 * together with the aggregation it belongs to (the idempotency keys of applied batches: a key
 * must be remembered exactly when its batch is in the restored state). The checkpoint stores the
 * bytes under {@link #name()} and checks them with the rest of the file; their meaning is the
 * owner's.
 */
public interface CheckpointAttachment {

    /** The name of its section in the checkpoint; unique among a store's attachments. */
    String name();

    /**
     * The state to checkpoint. Called before the aggregation state is copied, so whatever it
     * holds happened before the copy began.
     */
    byte[] snapshot(long nowMillis);

    /**
     * Restores a snapshot found in the checkpoint, at start-up before any request.
     *
     * @return a few words for the start-up log, e.g. {@code "12 idempotency keys"}
     * @throws IllegalArgumentException when the bytes are not a snapshot of this owner; the store
     *         then logs it and goes on without them
     */
    String restore(byte[] snapshot, long nowMillis);
}
