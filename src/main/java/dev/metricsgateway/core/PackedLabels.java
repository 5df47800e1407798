package dev.metricsgateway.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The label values of a series packed into one byte array: each value as its length in bytes (a
 * varint) followed by its UTF-8 bytes. A series key is then one array instead of an array of
 * strings, each a {@code String} and its own byte array: comparing an event's values with a key
 * reads one or two cache lines instead of seven or more, and looking keys up was 30 % of a
 * gateway's ingest CPU (JFR, the misses of {@code Arrays.equals} on the key's strings).
 *
 * <p>Any string packs, also one with an unpaired surrogate (the decoder refuses those, the
 * engine's API does not): it is written as the three bytes UTF-8 would give a code point in
 * U+D800..U+DFFF, so distinct strings always pack to distinct bytes and read back as they were.
 */
final class PackedLabels {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private PackedLabels() {
    }

    /** The most bytes {@link #append} writes for {@code value}. */
    static int maxBytes(String value) {
        return 5 + 3 * value.length();
    }

    /**
     * Writes {@code value} (length, then bytes) into {@code buffer} at {@code at}, which has
     * room for {@link #maxBytes}; returns the position after it.
     */
    static int append(byte[] buffer, int at, String value) {
        int chars = value.length();
        if (chars < 0x80) {
            // The usual label is short ASCII: one length byte and a byte per char.
            int i = 0;
            for (; i < chars; i++) {
                char c = value.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                buffer[at + 1 + i] = (byte) c;
            }
            if (i == chars) {
                buffer[at] = (byte) chars;
                return at + 1 + chars;
            }
        }
        int position = writeVarint(buffer, at, encodedLength(value));
        for (int i = 0; i < chars; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                buffer[position++] = (byte) c;
            } else if (c < 0x800) {
                buffer[position++] = (byte) (0xc0 | c >> 6);
                buffer[position++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(value.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, value.charAt(++i));
                buffer[position++] = (byte) (0xf0 | codePoint >> 18);
                buffer[position++] = (byte) (0x80 | codePoint >> 12 & 0x3f);
                buffer[position++] = (byte) (0x80 | codePoint >> 6 & 0x3f);
                buffer[position++] = (byte) (0x80 | codePoint & 0x3f);
            } else {
                // any other char, an unpaired surrogate included
                buffer[position++] = (byte) (0xe0 | c >> 12);
                buffer[position++] = (byte) (0x80 | c >> 6 & 0x3f);
                buffer[position++] = (byte) (0x80 | c & 0x3f);
            }
        }
        return position;
    }

    private static int encodedLength(String value) {
        int length = 0;
        int chars = value.length();
        for (int i = 0; i < chars; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(value.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }

    private static int writeVarint(byte[] buffer, int at, int value) {
        int position = at;
        int rest = value;
        while (rest >= 0x80) {
            buffer[position++] = (byte) (rest | 0x80);
            rest >>>= 7;
        }
        buffer[position++] = (byte) rest;
        return position;
    }

    /** The packing of {@code values}, in their order. */
    static byte[] pack(String[] values) {
        int room = 0;
        for (String value : values) {
            room += maxBytes(value);
        }
        byte[] buffer = new byte[room];
        int length = 0;
        for (String value : values) {
            length = append(buffer, length, value);
        }
        return Arrays.copyOf(buffer, length);
    }

    /**
     * The hash of the first {@code length} bytes of {@code bytes}, eight at a time: a key's
     * hash, and a probe's before it is compared with keys. Bits are mixed well, since a
     * {@link SeriesTable} picks slots by the low bits and label values tend to differ only
     * in a few digits ("fs-17", "fs-18").
     */
    static int hash(byte[] bytes, int length) {
        long h = 0x9e3779b97f4a7c15L ^ length;
        int at = 0;
        for (; at + 8 <= length; at += 8) {
            h = (h ^ (long) LONGS.get(bytes, at)) * 0xbf58476d1ce4e5b9L;
            h ^= h >>> 31;
        }
        long tail = 0;
        for (int shift = 0; at < length; at++, shift += 8) {
            tail |= (bytes[at] & 0xffL) << shift;
        }
        h = (h ^ tail) * 0x94d049bb133111ebL;
        h ^= h >>> 29;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 32;
        return (int) h;
    }

    /** Every value of {@code packed}, which holds {@code count}. */
    static String[] values(byte[] packed, int count) {
        String[] values = new String[count];
        int at = 0;
        for (int i = 0; i < count; i++) {
            int length = readVarint(packed, at);
            at += varintSize(length);
            values[i] = decode(packed, at, length);
            at += length;
        }
        return values;
    }

    private static int readVarint(byte[] bytes, int at) {
        int value = 0;
        for (int shift = 0, position = at; ; shift += 7) {
            byte b = bytes[position++];
            value |= (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }

    private static int varintSize(int value) {
        int size = 1;
        for (int rest = value; rest >= 0x80; rest >>>= 7) {
            size++;
        }
        return size;
    }

    private static String decode(byte[] bytes, int from, int length) {
        int end = from + length;
        boolean ascii = true;
        for (int i = from; i < end && ascii; i++) {
            ascii = bytes[i] >= 0;
        }
        if (ascii) {
            return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
        }
        // What append wrote, unpaired surrogates included (which a UTF-8 decoder would replace).
        StringBuilder text = new StringBuilder(length);
        int i = from;
        while (i < end) {
            int b = bytes[i] & 0xff;
            if (b < 0x80) {
                text.append((char) b);
                i += 1;
            } else if (b < 0xe0) {
                text.append((char) ((b & 0x1f) << 6 | bytes[i + 1] & 0x3f));
                i += 2;
            } else if (b < 0xf0) {
                text.append((char) ((b & 0x0f) << 12 | (bytes[i + 1] & 0x3f) << 6 | bytes[i + 2] & 0x3f));
                i += 3;
            } else {
                text.appendCodePoint((b & 0x07) << 18 | (bytes[i + 1] & 0x3f) << 12 | (bytes[i + 2] & 0x3f) << 6 | bytes[i + 3] & 0x3f);
                i += 4;
            }
        }
        return text.toString();
    }
}
