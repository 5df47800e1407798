package dev.metricsgateway.core;

import static dev.metricsgateway.core.CheckpointEngines.NOW;
import static dev.metricsgateway.core.CheckpointEngines.checkpoint;
import static dev.metricsgateway.core.CheckpointEngines.describe;
import static dev.metricsgateway.core.CheckpointEngines.engine;
import static dev.metricsgateway.core.CheckpointEngines.feed;
import static dev.metricsgateway.core.CheckpointEngines.restore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Format version 2: named attachments (state of other parts of the gateway, such as idempotency
 * keys) travel in the checkpoint, checked by its checksum; version-1 checkpoints, written before
 * attachments existed, are still restored.
 */
class CheckpointAttachmentsTest {

    private static byte[] checkpointWith(AggregationEngine engine, Map<String, byte[]> attachments) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.writeCheckpoint(out, NOW, attachments);
        return out.toByteArray();
    }

    /**
     * The version-1 form of a version-2 checkpoint without attachments: version 2 only added the
     * attachment section (here just its end marker, the byte before the checksum).
     */
    private static byte[] asVersion1(byte[] version2) {
        byte[] version1 = Arrays.copyOf(version2, version2.length - 1);
        assertThat(version2[version2.length - 5]).as("the empty attachment section").isEqualTo((byte) CheckpointCodec.END);
        System.arraycopy(version2, version2.length - 4, version1, version1.length - 4, 4);
        ByteBuffer.wrap(version1).putInt(8, 1);
        EngineCheckpointTest.fixChecksum(version1);
        return version1;
    }

    @Test
    void attachmentsComeBackByNameWithTheAggregationState() throws Exception {
        AggregationEngine original = engine();
        feed(original, new Random(1), 200, NOW);
        Map<String, byte[]> attachments = new LinkedHashMap<>();
        attachments.put("idempotency-keys", new byte[] {1, 2, 3});
        attachments.put("empty", new byte[0]);
        AggregationEngine restored = engine();

        CheckpointRestore report = restore(restored, checkpointWith(original, attachments), NOW);

        assertThat(report.attachments()).containsOnlyKeys("idempotency-keys", "empty");
        assertThat(report.attachments().get("idempotency-keys")).containsExactly(1, 2, 3);
        assertThat(report.attachments().get("empty")).isEmpty();
        assertThat(describe(restored.snapshot(NOW))).isEqualTo(describe(original.snapshot(NOW)));
    }

    @Test
    void aCheckpointWithoutAttachmentsHasNone() throws Exception {
        assertThat(restore(engine(), checkpoint(engine(), NOW), NOW).attachments()).isEmpty();
    }

    @Test
    void aVersion1CheckpointIsStillRestored() throws Exception {
        AggregationEngine original = engine();
        feed(original, new Random(2), 200, NOW);
        byte[] version1 = asVersion1(checkpoint(original, NOW));
        AggregationEngine restored = engine();

        CheckpointRestore report = restore(restored, version1, NOW);

        assertThat(report.attachments()).isEmpty();
        assertThat(describe(restored.snapshot(NOW))).isEqualTo(describe(original.snapshot(NOW)));
    }

    @Test
    void aDamagedAttachmentIsACorruptCheckpointAndRestoresNothing() throws Exception {
        AggregationEngine original = engine();
        feed(original, new Random(3), 50, NOW);
        byte[] checkpoint = checkpointWith(original, Map.of("keys", new byte[] {7, 7, 7, 7}));
        checkpoint[checkpoint.length - 7]++; // a byte of the attachment; the checksum no longer matches
        AggregationEngine restored = engine();

        CheckpointException refused = catchThrowableOfType(CheckpointException.class, () -> restore(restored, checkpoint, NOW));

        assertThat(refused.reason()).isEqualTo(CheckpointException.Reason.CORRUPT);
        assertThat(CheckpointEngines.seriesCount(restored.snapshot(NOW))).isZero();
    }
}
