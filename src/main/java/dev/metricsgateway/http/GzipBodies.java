package dev.metricsgateway.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/**
 * Decompresses {@code Content-Encoding: gzip} request bodies without trusting them: output stops
 * at a limit, so a gzip bomb costs at most {@code limit} bytes of memory before it is refused.
 */
final class GzipBodies {

    /** The body decompressed to more than the limit. */
    static final class TooLargeException extends Exception {
        private static final long serialVersionUID = 1L;

        TooLargeException(long limit) {
            super("decompressed body is over the limit of " + limit + " bytes");
        }
    }

    private GzipBodies() {
    }

    /**
     * @throws TooLargeException when the output would exceed {@code limit} bytes
     * @throws IOException       when the body is not valid gzip
     */
    static byte[] gunzip(byte[] compressed, long limit) throws IOException, TooLargeException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, Math.min(compressed.length * 4, 1 << 20)));
            byte[] chunk = new byte[16 * 1024];
            long total = 0;
            for (int read; (read = in.read(chunk)) > 0; ) {
                total += read;
                if (total > limit) {
                    throw new TooLargeException(limit);
                }
                out.write(chunk, 0, read);
            }
            return out.toByteArray();
        }
    }
}
