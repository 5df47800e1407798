package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code max_connections} bounds the open connections of all event loops together: one beyond it
 * is closed at once, even when it sends nothing, and a slot freed by a client that leaves is
 * usable again. Raw sockets, so that nothing pools or retries connections behind the test's back.
 */
@ExtendWith(VertxExtension.class)
class ConnectionLimitTest {

    private static final int LIMIT = 3;

    @TempDir
    Path dataDir;

    @Test
    void aConnectionBeyondTheLimitIsClosedAtOnceAndAFreedSlotIsReused(Vertx vertx) throws Exception {
        List<Socket> held = new ArrayList<>();
        // Two event loops: the held connections are spread over both verticle instances.
        try (TestGateway gateway = TestGateway.start(vertx, dataDir, Map.of("METRICS_GATEWAY_MAX_CONNECTIONS", String.valueOf(LIMIT)))) {
            for (int i = 0; i < LIMIT; i++) {
                Socket socket = connect(gateway);
                assertThat(healthz(socket)).as("connection %d of %d", i + 1, LIMIT).startsWith("HTTP/1.1 200");
                held.add(socket);
            }

            try (Socket excess = connect(gateway)) {
                // It sends nothing: the server must close it on its own, long before the idle timeout.
                assertThat(excess.getInputStream().read()).isEqualTo(-1);
            } catch (SocketException reset) {
                // A reset is a close too.
            }
            for (Socket socket : held) {
                assertThat(healthz(socket)).as("the held connections keep working").startsWith("HTTP/1.1 200");
            }

            held.remove(0).close();
            // The server learns of the close asynchronously: a new connection may still find the
            // slot taken for a moment, so try a bounded number of times.
            String answer = null;
            for (int attempt = 0; attempt < 50 && answer == null; attempt++) {
                try (Socket socket = connect(gateway)) {
                    answer = healthz(socket);
                } catch (IOException closedByTheLimit) {
                    Thread.onSpinWait();
                }
            }
            assertThat(answer).as("a freed slot takes a new connection").startsWith("HTTP/1.1 200");
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    private static Socket connect(TestGateway gateway) throws IOException {
        Socket socket = new Socket("127.0.0.1", gateway.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** One keep-alive request on {@code socket}; the status line and headers read back. */
    private static String healthz(Socket socket) throws IOException {
        socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        int contentLength = 0;
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.append((char) b);
            if (head.toString().endsWith("\r\n\r\n")) {
                for (String line : head.toString().split("\r\n")) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        contentLength = Integer.parseInt(line.substring(15).strip());
                    }
                }
                in.readNBytes(contentLength);
                return head.toString();
            }
        }
        throw new IOException("closed before an answer: " + head);
    }
}
