package dev.metricsgateway.checkpoint;

import java.time.Duration;

/**
 * One checkpoint written.
 *
 * @param takenAtMillis the clock's time when it was taken (stored in the checkpoint)
 * @param bytes         the size of the file
 * @param series        the series it holds
 * @param duration      how long copying the state and writing the file took, fsyncs included
 */
public record CheckpointWrite(long takenAtMillis, long bytes, long series, Duration duration) {
}
