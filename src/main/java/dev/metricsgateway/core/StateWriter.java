package dev.metricsgateway.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.HdrHistogram.AbstractHistogram;

/**
 * A growable in-memory buffer that one checkpoint record (a series, a metric header, a metric's
 * shared state) is encoded into, so that a series' monitor is held only while its state is copied
 * into memory, never while bytes go to a file. Reused record after record; see
 * {@link CheckpointCodec} for the format.
 *
 * <p>Encodings: unsigned LEB128 varints, zigzag varints for signed deltas, big-endian fixed-width
 * longs, doubles as their raw IEEE bits, strings as a varint byte length and UTF-8, histograms in
 * HdrHistogram's own {@code encodeIntoByteBuffer} form behind a varint length.
 *
 * <p>Not thread-safe: one checkpoint uses one instance on one thread.
 */
final class StateWriter {

    private byte[] bytes = new byte[256];
    private int size;
    private ByteBuffer histogramBuffer = ByteBuffer.allocate(0);

    void reset() {
        size = 0;
    }

    int size() {
        return size;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, size);
    }

    void writeByte(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
    }

    /** Unsigned LEB128: 7 bits per byte, high bit set on every byte but the last. */
    void writeVarLong(long value) {
        ensure(10);
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            bytes[size++] = (byte) ((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        bytes[size++] = (byte) rest;
    }

    /** Zigzag then LEB128, so small negative numbers stay short. */
    void writeSignedVarLong(long value) {
        writeVarLong((value << 1) ^ (value >> 63));
    }

    void writeLong(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes[size++] = (byte) (value >>> shift);
        }
    }

    void writeDouble(double value) {
        writeLong(Double.doubleToRawLongBits(value));
    }

    void writeString(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        writeVarLong(utf8.length);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, bytes, size, utf8.length);
        size += utf8.length;
    }

    /** A histogram, or length 0 for none (a slot with no value). */
    void writeHistogram(AbstractHistogram histogram) {
        if (histogram == null || histogram.getTotalCount() == 0) {
            writeVarLong(0);
            return;
        }
        int capacity = histogram.getNeededByteBufferCapacity();
        if (histogramBuffer.capacity() < capacity) {
            histogramBuffer = ByteBuffer.allocate(capacity);
        }
        histogramBuffer.clear();
        int length = histogram.encodeIntoByteBuffer(histogramBuffer);
        writeVarLong(length);
        ensure(length);
        System.arraycopy(histogramBuffer.array(), 0, bytes, size, length);
        size += length;
    }

    private void ensure(int extra) {
        if (size + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + extra));
        }
    }
}
