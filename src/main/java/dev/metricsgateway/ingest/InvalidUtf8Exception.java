package dev.metricsgateway.ingest;

import java.io.CharConversionException;

/**
 * A body that is not well-formed UTF-8, with the place of the first bad sequence: thrown by
 * {@link Utf8CheckedInputStream} to stop Jackson, or built directly for a body held in memory.
 * Line and column count from 1 (columns in bytes), as Jackson counts them.
 */
final class InvalidUtf8Exception extends CharConversionException {

    private static final long serialVersionUID = 1L;

    private final long offset;
    private final int line;
    private final long column;
    private final String reason;

    InvalidUtf8Exception(long offset, int line, long column, String reason) {
        super("invalid UTF-8 at line " + line + ", column " + column + " (byte " + offset + "): " + reason);
        this.offset = offset;
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    /** The problem found in {@code bytes[0, end)} at {@code offset}: line and column counted from the start. */
    static InvalidUtf8Exception at(byte[] bytes, int end, int offset, String reason) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new InvalidUtf8Exception(offset, line, offset - lineStart + 1, reason);
    }

    long offset() {
        return offset;
    }

    int line() {
        return line;
    }

    long column() {
        return column;
    }

    String reason() {
        return reason;
    }
}
