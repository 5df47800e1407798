package dev.metricsgateway.core;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.HdrHistogram.PackedHistogram;

/**
 * Reads one checkpoint record written by {@link StateWriter}. Every read checks what is left and
 * every value is checked for what the live state could never hold, so damaged bytes end in a
 * {@link CheckpointException}, never in an unchecked exception, a huge allocation or a state the
 * exposition would refuse at scrape time.
 *
 * <p>Not thread-safe: one record, one thread.
 */
final class StateReader {

    /** Times and epoch seconds beyond this are damage: their differences would overflow. */
    private static final long MAX_TIME_MAGNITUDE = 1L << 60;

    private final ByteBuffer buffer;

    StateReader(byte[] record) {
        this.buffer = ByteBuffer.wrap(record);
    }

    int readByte() throws CheckpointException {
        need(1);
        return buffer.get() & 0xFF;
    }

    long readVarLong() throws CheckpointException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (shift == 63 && b > 1) {
                    break;
                }
                return value;
            }
        }
        throw CheckpointException.corrupt("a varint longer than 64 bits");
    }

    long readSignedVarLong() throws CheckpointException {
        long zigzag = readVarLong();
        return (zigzag >>> 1) ^ -(zigzag & 1);
    }

    /** A count of items that take at least one byte each: never more than the bytes left, nor {@code max}. */
    int readCount(long max, String what) throws CheckpointException {
        long count = readVarLong();
        if (count < 0 || count > max || count > buffer.remaining()) {
            throw CheckpointException.corrupt(what + ": " + Long.toUnsignedString(count) + " is not a possible count here");
        }
        return (int) count;
    }

    long readLong() throws CheckpointException {
        need(8);
        return buffer.getLong();
    }

    /** An epoch-milliseconds time; the live state only holds times of accepted events. */
    long readTimeMillis(String what) throws CheckpointException {
        long millis = readLong();
        if (Math.abs(millis) > MAX_TIME_MAGNITUDE) {
            throw CheckpointException.corrupt(what + ": " + millis + " is not a possible time");
        }
        return millis;
    }

    /** An epoch second stored as a difference to {@code baseSecond}. */
    long readSecond(long baseSecond) throws CheckpointException {
        long delta = readSignedVarLong();
        if (Math.abs(delta) > MAX_TIME_MAGNITUDE) {
            throw CheckpointException.corrupt(delta + ": not a possible bucket second");
        }
        return baseSecond + delta;
    }

    /** A double that is a number: no sum, weight, maximum or sample of the live state is ever NaN. */
    double readNumber(String what) throws CheckpointException {
        double value = Double.longBitsToDouble(readLong());
        if (Double.isNaN(value)) {
            throw CheckpointException.corrupt(what + ": NaN");
        }
        return value;
    }

    String readString() throws CheckpointException {
        int length = readCount(Integer.MAX_VALUE, "string length");
        ByteBuffer utf8 = buffer.slice(buffer.position(), length);
        buffer.position(buffer.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(utf8)
                    .toString();
        } catch (CharacterCodingException e) {
            throw CheckpointException.corrupt("a string that is not UTF-8");
        }
    }

    /** A label value or instance name: never empty in the live state. */
    String readLabel() throws CheckpointException {
        String value = readString();
        if (value.isEmpty()) {
            throw CheckpointException.corrupt("an empty label value");
        }
        return value;
    }

    /**
     * A histogram written by {@link StateWriter#writeHistogram}, or null for none. Only what
     * {@link HistogramWindow} records is accepted: 2 significant digits, unit resolution, at least
     * one value, none above {@link HistogramWindow#MAX_RECORDED}.
     */
    PackedHistogram readHistogram() throws CheckpointException {
        int length = readCount(Integer.MAX_VALUE, "histogram length");
        if (length == 0) {
            return null;
        }
        ByteBuffer encoded = buffer.slice(buffer.position(), length);
        buffer.position(buffer.position() + length);
        PackedHistogram histogram;
        try {
            histogram = PackedHistogram.decodeFromByteBuffer(encoded, 0);
        } catch (RuntimeException e) {
            // HdrHistogram reports a damaged encoding with whatever its reading hits: an
            // IllegalArgumentException, an index or buffer exception. All of them mean corrupt here.
            throw CheckpointException.corrupt("a histogram that does not decode (" + e.getClass().getSimpleName() + ")");
        }
        if (histogram.getNumberOfSignificantValueDigits() != HistogramWindow.SIGNIFICANT_DIGITS
                || histogram.getLowestDiscernibleValue() != 1
                || histogram.getTotalCount() <= 0
                || histogram.getMaxValue() > HistogramWindow.MAX_RECORDED) {
            throw CheckpointException.corrupt("a histogram unlike any the gateway records");
        }
        // Decoded with the range it was encoded with; the restored series records new values into
        // it, which may lie beyond that range, as HistogramWindow's own histograms allow.
        histogram.setAutoResize(true);
        return histogram;
    }

    /** A record must be read to its last byte: anything left over means the layout was not what we think. */
    void expectEnd() throws CheckpointException {
        if (buffer.hasRemaining()) {
            throw CheckpointException.corrupt(buffer.remaining() + " unexpected bytes at the end of a record");
        }
    }

    private void need(int bytes) throws CheckpointException {
        if (buffer.remaining() < bytes) {
            throw CheckpointException.corrupt("a record ends early");
        }
    }
}
