package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ingest body reader hands on exactly the bytes sent, in an array of their length, whether
 * the body is declared by Content-Length (also past what it allocates up front) or chunked; and
 * refuses a body over the limit with 413, before reading it when its Content-Length says so.
 */
@ExtendWith(VertxExtension.class)
class IngestBodyHandlerTest {

    private static final int LIMIT = 1_000_000;

    private HttpServer server;
    private HttpClient client;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        Router router = Router.router(vertx);
        router.post("/body").handler(new IngestBodyHandler(LIMIT)).handler(ctx -> {
            byte[] body = ctx.get(IngestBodyHandler.BODY);
            // answer with the array's own length and a digest of its content
            ctx.response().end(body.length + " " + Arrays.hashCode(body));
        });
        // A failure answers with its status (599 for a broken stream, which fails with 200) and its
        // exception, so an assertion on the answer shows why the body did not arrive.
        router.route("/body").failureHandler(ctx -> ctx.response().setStatusCode(ctx.statusCode() == 200 ? 599 : ctx.statusCode())
                .end(String.valueOf(ctx.failure())));
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        client = vertx.createHttpClient();
    }

    @AfterEach
    void stop() throws Exception {
        client.close().await(10, TimeUnit.SECONDS);
        server.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void bodiesDeclaredByTheirLengthArriveWhole() throws Exception {
        for (int size : new int[] {0, 1, 150_000, IngestBodyHandler.MAX_PREALLOCATED_BYTES, IngestBodyHandler.MAX_PREALLOCATED_BYTES + 1, LIMIT}) {
            byte[] body = randomBytes(size);
            assertThat(send(body, false)).as("%d bytes", size).isEqualTo("200 " + body.length + " " + Arrays.hashCode(body));
        }
    }

    @Test
    void chunkedBodiesArriveWhole() throws Exception {
        for (int size : new int[] {1, 20_000, 400_000, LIMIT}) {
            byte[] body = randomBytes(size);
            assertThat(send(body, true)).as("%d bytes", size).isEqualTo("200 " + body.length + " " + Arrays.hashCode(body));
        }
    }

    @Test
    void aBodyOverTheLimitIs413WhetherDeclaredOrChunked() throws Exception {
        byte[] body = randomBytes(LIMIT + 1);
        assertThat(send(body, false)).startsWith("413");
        assertThat(send(body, true)).startsWith("413");
    }

    @Test
    void aRequestWithoutABodyGetsAnEmptyOne() throws Exception {
        String reply = client.request(new RequestOptions().setMethod(HttpMethod.POST)
                        .setHost("127.0.0.1").setPort(server.actualPort()).setURI("/body"))
                .compose(request -> request.send()).compose(IngestBodyHandlerTest::statusAndBody).await(10, TimeUnit.SECONDS);
        assertThat(reply).isEqualTo("200 0 " + Arrays.hashCode(new byte[0]));
    }

    private String send(byte[] body, boolean chunked) throws Exception {
        return client.request(new RequestOptions().setMethod(HttpMethod.POST)
                        .setHost("127.0.0.1").setPort(server.actualPort()).setURI("/body"))
                .compose(request -> {
                    if (!chunked) {
                        return request.send(Buffer.buffer(body)).compose(IngestBodyHandlerTest::statusAndBody);
                    }
                    // asked for before the body is sent: the answer may come before the request has ended
                    Future<String> reply = request.response().compose(IngestBodyHandlerTest::statusAndBody);
                    request.setChunked(true);
                    for (int at = 0; at < body.length; at += 7_000) {
                        request.write(Buffer.buffer(Arrays.copyOfRange(body, at, Math.min(body.length, at + 7_000))));
                    }
                    request.end();
                    return reply;
                }).await(10, TimeUnit.SECONDS);
    }

    private static Future<String> statusAndBody(HttpClientResponse response) {
        return response.body().map(body -> response.statusCode() + " " + body);
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
