package dev.metricsgateway.ingest;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks that bytes are well-formed UTF-8 as RFC 3629 defines it, before Jackson reads them.
 * Jackson's byte parser decodes more than UTF-8: overlong forms ({@code C0 80}), sequences above
 * U+10FFFF ({@code F4 90 80 80}), UTF-8-encoded surrogates in values it skips, 0xFF bytes in
 * some keys, and bodies it detects as UTF-16 or UTF-32. The contract takes UTF-8 JSON only, so
 * the decoder refuses all of these here, with the place of the first bad byte.
 *
 * <p>The well-formed sequences (RFC 3629, section 4):
 * <pre>
 *   00..7F
 *   C2..DF 80..BF
 *   E0 A0..BF 80..BF | E1..EC 80..BF 80..BF | ED 80..9F 80..BF | EE..EF 80..BF 80..BF
 *   F0 90..BF 80..BF 80..BF | F1..F3 80..BF 80..BF 80..BF | F4 80..8F 80..BF 80..BF
 * </pre>
 * ASCII, the bulk of every body, is checked eight bytes at a time.
 *
 * <p>Streaming: one instance checks consecutive chunks of one body, carrying an unfinished
 * sequence from one chunk to the next. Not thread-safe; one per body.
 */
final class Utf8Validator {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** Continuation bytes still expected by the sequence in progress. */
    private int pending;
    /** Allowed range of the next continuation byte (narrower than 80..BF right after E0, ED, F0, F4). */
    private int low = 0x80;
    private int high = 0xBF;
    /** Offset, within the body, of the lead byte of the sequence in progress. */
    private long sequenceStart;
    /** Bytes checked before the current chunk. */
    private long consumed;

    /**
     * Checks {@code bytes[from, to)}, the next chunk of the body.
     *
     * @return the body offset of the first byte of the first ill-formed sequence, or -1
     */
    long check(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            if (pending == 0) {
                // Fast path: eight ASCII bytes at a time.
                while (i + 8 <= to && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
                    i += 8;
                }
                if (i == to) {
                    break;
                }
                int b = bytes[i] & 0xFF;
                if (b < 0x80) {
                    i++;
                    continue;
                }
                sequenceStart = consumed + (i - from);
                if (!lead(b)) {
                    return sequenceStart;
                }
                i++;
            } else {
                int b = bytes[i] & 0xFF;
                if (b < low || b > high) {
                    return sequenceStart;
                }
                low = 0x80;
                high = 0xBF;
                pending--;
                i++;
            }
        }
        consumed += to - from;
        return -1;
    }

    /** After the last chunk: the offset of a sequence the body ends in the middle of, or -1. */
    long finish() {
        return pending == 0 ? -1 : sequenceStart;
    }

    /** Starts the sequence led by {@code b} (not ASCII); false when no sequence starts so. */
    private boolean lead(int b) {
        if (b >= 0xC2 && b <= 0xDF) {
            pending = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            pending = 2;
            low = b == 0xE0 ? 0xA0 : 0x80;
            high = b == 0xED ? 0x9F : 0xBF;
        } else if (b >= 0xF0 && b <= 0xF4) {
            pending = 3;
            low = b == 0xF0 ? 0x90 : 0x80;
            high = b == 0xF4 ? 0x8F : 0xBF;
        } else {
            return false;
        }
        return true;
    }

    /**
     * Why the sequence that starts at {@code bytes[at]} is ill-formed, in words for the sender;
     * {@code bytes} holds data up to {@code end}.
     */
    static String reason(byte[] bytes, int at, int end) {
        int lead = bytes[at] & 0xFF;
        int second = at + 1 < end ? bytes[at + 1] & 0xFF : -1;
        String hex = String.format("0x%02X", lead);
        if (lead >= 0x80 && lead <= 0xBF) {
            return "continuation byte " + hex + " without a lead byte";
        }
        if (lead == 0xC0 || lead == 0xC1 || lead == 0xE0 && second >= 0x80 && second < 0xA0 || lead == 0xF0 && second >= 0x80 && second < 0x90) {
            return "overlong encoding (lead byte " + hex + ")";
        }
        if (lead == 0xED && second >= 0xA0 && second <= 0xBF) {
            return "UTF-8-encoded surrogate (U+D800..U+DFFF are not characters)";
        }
        if (lead == 0xF4 && second >= 0x90 && second <= 0xBF || lead >= 0xF5 && lead <= 0xF7) {
            return "code point above U+10FFFF";
        }
        if (lead >= 0xF8) {
            return "byte " + hex + " never occurs in UTF-8";
        }
        return "incomplete sequence (lead byte " + hex + ")";
    }

    /**
     * Why a body that starts with {@code bytes[0, length)} is not UTF-8 at all, or null: JSON in
     * UTF-16 or UTF-32 has a zero byte among its first four (its first character is ASCII) or
     * starts with a byte order mark whose bytes never occur in UTF-8.
     */
    static String otherEncoding(byte[] bytes, int length) {
        for (int i = 0; i < Math.min(4, length); i++) {
            if (bytes[i] == 0) {
                return "a zero byte at offset " + i + ": the body must be UTF-8 JSON, not UTF-16 or UTF-32";
            }
        }
        if (length >= 2 && ((bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF || (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE)) {
            return "a UTF-16 byte order mark: the body must be UTF-8 JSON";
        }
        return null;
    }
}
