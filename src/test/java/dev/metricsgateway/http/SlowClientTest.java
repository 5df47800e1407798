package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slow-loris client cannot hold the server: a body sent too slowly gets 408 and its connection
 * is closed. A raw socket, because an HTTP client would not misbehave on purpose.
 */
@ExtendWith(VertxExtension.class)
class SlowClientTest {

    @TempDir
    Path dataDir;

    @Test
    void aBodySentTooSlowlyGets408AndTheConnectionIsClosed(Vertx vertx) throws Exception {
        try (TestGateway gateway = TestGateway.start(vertx, dataDir, Map.of("METRICS_GATEWAY_REQUEST_TIMEOUT_SECONDS", "1"));
             Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Tecton-key " + gateway.writerKey
                    + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: 1000\r\n\r\n{\"type\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Nothing more is sent: the server's request timeout must answer on its own.
            String answer = readUntilClosed(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 408").containsIgnoringCase("connection: close");
        }
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toString(StandardCharsets.US_ASCII);
    }
}
