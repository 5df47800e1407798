package dev.metricsgateway.core;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The checkpoint format: a versioned binary snapshot of every series of every metric, written as
 * a stream (no second copy of the state in memory) and restored all or nothing.
 *
 * <pre>
 * checkpoint := magic "MGW-CKPT" (8 bytes)  version (int32 = 2)
 *               writtenAtMillis (int64)     windowSeconds (int32)
 *               { 0x01 frame(metric header)  { 0x01 frame(series) }*  0x00  frame(shared) }*  0x00
 *               { 0x01 frame(attachment name (string))  frame(attachment bytes) }*  0x00
 *               crc32 of every byte before it (int32)  end of stream
 * frame      := length (varint)  bytes
 * metric header := name (string)  definition (string: see MetricAggregator#stateDefinition)
 * series     := labelCount (varint)  label values (strings)  lastEventMillis (int64)  state
 * state      := per aggregation: windows as { count (varint)  { second − floor(writtenAt/1 s)
 *               (zigzag varint)  slot values }* }; a summary adds count (varint) and sum (double);
 *               max_of_latest holds { instance (string)  timeMillis (int64)  value (double) }*
 * </pre>
 *
 * Fixed-width numbers are big-endian, doubles their raw IEEE bits, strings a varint length and
 * UTF-8, histograms HdrHistogram's {@code encodeIntoByteBuffer} form behind a varint length.
 *
 * <p>Every series and every metric header is its own length-prefixed frame, so a reader skips a
 * metric it cannot or must not restore (gone from the catalog, defined differently) without
 * understanding its layout, and a series is copied under its monitor into memory, then written
 * with the monitor released. Shared state (the denominator of {@code percent_of_events}) comes
 * after the metric's series; see {@link PercentOfEventsAggregator#writeShared}.
 *
 * <p><b>Attachments</b> (version 2) are state of other parts of the gateway that must be restored
 * together with the aggregation, such as the idempotency keys of applied batches: named byte
 * strings this codec stores and checks (checksum) without interpreting them. Version 1, written
 * before attachments existed, is version 2 without the attachment section; it is still read.
 *
 * <p>Restoring decodes the whole stream into a staging engine and checks the checksum, the end of
 * the stream and every value before anything is merged into the target engine, so a damaged
 * checkpoint leaves the target untouched.
 *
 * <p>Stateless; thread-safe.
 */
final class CheckpointCodec {

    static final int VERSION = 2;
    /** The oldest version read: it lacks only the attachment section. */
    static final int FIRST_VERSION = 1;
    static final int MORE = 1;
    static final int END = 0;
    private static final byte[] MAGIC = {'M', 'G', 'W', '-', 'C', 'K', 'P', 'T'};
    /** The largest frame a reader accepts: beyond it the length is damage, not data. */
    private static final long MAX_FRAME_BYTES = Integer.MAX_VALUE - 8;

    private CheckpointCodec() {
    }

    /** Frames written to the checkpoint stream. Not thread-safe. */
    static final class FrameOutput {
        private final DataOutputStream data;
        private final StateWriter length = new StateWriter();

        private FrameOutput(DataOutputStream data) {
            this.data = data;
        }

        /** A marker byte, then {@code record} as a frame. */
        void frame(int marker, StateWriter record) throws IOException {
            data.writeByte(marker);
            frame(record);
        }

        void frame(StateWriter record) throws IOException {
            length.reset();
            length.writeVarLong(record.size());
            length.writeTo(data);
            record.writeTo(data);
        }

        void frame(byte[] bytes) throws IOException {
            length.reset();
            length.writeVarLong(bytes.length);
            length.writeTo(data);
            data.write(bytes);
        }
    }

    /** What {@link #write} wrote. */
    record Written(int metrics, long series) {
    }

    static Written write(List<MetricAggregator<?>> aggregators, WindowSettings settings, OutputStream out, long nowMillis,
            Map<String, byte[]> attachments) throws IOException {
        CRC32 crc = new CRC32();
        DataOutputStream data = new DataOutputStream(new CheckedOutputStream(out, crc));
        data.write(MAGIC);
        data.writeInt(VERSION);
        data.writeLong(nowMillis);
        data.writeInt(settings.windowSeconds());
        long baseSecond = Math.floorDiv(nowMillis, 1000);
        FrameOutput frames = new FrameOutput(data);
        StateWriter record = new StateWriter();
        long series = 0;
        for (MetricAggregator<?> aggregator : aggregators) {
            record.reset();
            record.writeString(aggregator.spec.name());
            record.writeString(aggregator.stateDefinition());
            frames.frame(MORE, record);
            series += aggregator.writeSeries(frames, record, baseSecond);
            data.writeByte(END);
            record.reset();
            aggregator.writeShared(record, baseSecond);
            frames.frame(record);
        }
        data.writeByte(END);
        for (Map.Entry<String, byte[]> attachment : attachments.entrySet()) {
            record.reset();
            record.writeString(attachment.getKey());
            frames.frame(MORE, record);
            frames.frame(attachment.getValue());
        }
        data.writeByte(END);
        data.flush();
        // The checksum goes around the CheckedOutputStream: it covers every byte before itself.
        new DataOutputStream(out).writeInt((int) crc.getValue());
        out.flush();
        return new Written(aggregators.size(), series);
    }

    /**
     * Decodes a checkpoint into {@code staging} (a fresh engine of the target's catalog and
     * settings) and says what it held; the caller merges {@code staging} into the target.
     */
    static CheckpointRestore read(AggregationEngine staging, InputStream in, long nowMillis) throws CheckpointException, IOException {
        CRC32 crc = new CRC32();
        DataInputStream data = new DataInputStream(new CheckedInputStream(in, crc));
        try {
            byte[] magic = data.readNBytes(MAGIC.length);
            if (magic.length == 0) {
                throw CheckpointException.corrupt("an empty file");
            }
            if (!Arrays.equals(magic, MAGIC)) {
                throw CheckpointException.corrupt("not a checkpoint file (no MGW-CKPT header)");
            }
            int version = data.readInt();
            if (version < FIRST_VERSION || version > VERSION) {
                // Another version's layout after the header is unknown: nothing further can be checked.
                throw CheckpointException.incompatible("format version " + version + " (this gateway reads versions "
                        + FIRST_VERSION + " to " + VERSION + ")");
            }
            long writtenAtMillis = data.readLong();
            int windowSeconds = data.readInt();
            long baseSecond = Math.floorDiv(writtenAtMillis, 1000);
            boolean sameWindow = windowSeconds == staging.settings().windowSeconds();

            Map<String, MetricAggregator<?>> byName = new LinkedHashMap<>();
            staging.aggregators().forEach(aggregator -> byName.put(aggregator.spec.name(), aggregator));
            List<String> restored = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            long seriesRestored = 0;
            long seriesExpired = 0;
            for (int marker = readMarker(data); marker == MORE; marker = readMarker(data)) {
                StateReader header = new StateReader(readFrame(data));
                String name = header.readString();
                String definition = header.readString();
                header.expectEnd();
                MetricAggregator<?> aggregator = byName.remove(name);
                if (aggregator == null && (restored.contains(name) || changed.contains(name) || removed.contains(name))) {
                    throw CheckpointException.corrupt(name + ": two sections for one metric");
                }
                boolean restore = sameWindow && aggregator != null && aggregator.stateDefinition().equals(definition);
                (aggregator == null ? removed : restore ? restored : changed).add(name);
                for (int seriesMarker = readMarker(data); seriesMarker == MORE; seriesMarker = readMarker(data)) {
                    byte[] frame = readFrame(data);
                    if (restore) {
                        if (aggregator.readSeries(frame, baseSecond, nowMillis)) {
                            seriesRestored++;
                        } else {
                            seriesExpired++;
                        }
                    }
                }
                byte[] shared = readFrame(data);
                if (restore) {
                    StateReader sharedState = new StateReader(shared);
                    aggregator.readShared(sharedState, baseSecond);
                    sharedState.expectEnd();
                }
            }
            Map<String, byte[]> attachments = new LinkedHashMap<>();
            if (version >= 2) {
                for (int marker = readMarker(data); marker == MORE; marker = readMarker(data)) {
                    StateReader name = new StateReader(readFrame(data));
                    String attachment = name.readString();
                    name.expectEnd();
                    if (attachments.put(attachment, readFrame(data)) != null) {
                        throw CheckpointException.corrupt(attachment + ": two attachments of one name");
                    }
                }
            }
            long computed = crc.getValue();
            int stored = data.readInt();
            if ((int) computed != stored) {
                throw CheckpointException.corrupt("checksum mismatch");
            }
            if (data.read() != -1) {
                throw CheckpointException.corrupt("bytes after the checksum");
            }
            if (!sameWindow) {
                throw CheckpointException.incompatible("written with window_seconds " + windowSeconds
                        + ", this gateway runs with " + staging.settings().windowSeconds());
            }
            return new CheckpointRestore(writtenAtMillis, seriesRestored, seriesExpired, restored, changed, removed,
                    List.copyOf(byName.keySet()), attachments);
        } catch (EOFException e) {
            throw CheckpointException.corrupt("truncated");
        }
    }

    private static int readMarker(DataInputStream data) throws IOException, CheckpointException {
        int marker = data.readUnsignedByte();
        if (marker != MORE && marker != END) {
            throw CheckpointException.corrupt("unexpected byte " + marker + " where a section starts or ends");
        }
        return marker;
    }

    private static byte[] readFrame(DataInputStream data) throws IOException, CheckpointException {
        long length = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift > 63) {
                throw CheckpointException.corrupt("a frame length longer than 64 bits");
            }
            int b = data.readUnsignedByte();
            length |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        if (length < 0 || length > MAX_FRAME_BYTES) {
            throw CheckpointException.corrupt(Long.toUnsignedString(length) + ": not a possible frame length");
        }
        // readNBytes grows its buffer as bytes arrive: a damaged length costs no more memory than the file has.
        byte[] frame = data.readNBytes((int) length);
        if (frame.length < length) {
            throw new EOFException();
        }
        return frame;
    }
}
