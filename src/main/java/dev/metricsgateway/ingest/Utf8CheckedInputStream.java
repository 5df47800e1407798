package dev.metricsgateway.ingest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a body through to Jackson only once its bytes are known to be well-formed UTF-8 (see
 * {@link Utf8Validator}); the first ill-formed sequence, a body that looks like UTF-16 or UTF-32,
 * or a body ending inside a sequence throws {@link InvalidUtf8Exception}. Counts lines as it goes,
 * so the exception names the place. Not thread-safe; one per body.
 */
final class Utf8CheckedInputStream extends FilterInputStream {

    private final Utf8Validator validator = new Utf8Validator();
    private final byte[] head = new byte[4];
    private int headLength;
    private long offset;
    private int line = 1;
    private long lineStart;

    Utf8CheckedInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] bytes, int from, int length) throws IOException {
        int n = super.read(bytes, from, length);
        if (n < 0) {
            long bad = validator.finish();
            if (bad >= 0) {
                throw new InvalidUtf8Exception(bad, line, bad - lineStart + 1, "the body ends inside a multi-byte sequence");
            }
            return n;
        }
        checkHead(bytes, from, n);
        long bad = validator.check(bytes, from, from + n);
        int end = bad < 0 ? from + n : (int) Math.max(from, bad - offset + from);
        for (int i = from; i < end; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = offset + (i - from) + 1;
            }
        }
        if (bad >= 0) {
            String reason = bad >= offset ? Utf8Validator.reason(bytes, (int) (bad - offset) + from, from + n)
                    : "incomplete sequence";
            throw new InvalidUtf8Exception(bad, line, bad - lineStart + 1, reason);
        }
        offset += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skip is not supported: every byte must be checked");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Collects the first four bytes and refuses a body that looks like UTF-16 or UTF-32. */
    private void checkHead(byte[] bytes, int from, int n) throws InvalidUtf8Exception {
        if (headLength == head.length) {
            return;
        }
        int wanted = Math.min(n, head.length - headLength);
        System.arraycopy(bytes, from, head, headLength, wanted);
        headLength += wanted;
        String problem = Utf8Validator.otherEncoding(head, headLength);
        if (problem != null) {
            throw new InvalidUtf8Exception(0, 1, 1, problem);
        }
    }
}
