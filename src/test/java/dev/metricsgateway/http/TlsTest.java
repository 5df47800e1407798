package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.metricsgateway.testing.SelfSignedCertificate;
import dev.metricsgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a PEM certificate and key in the config, TLS 1.2 and 1.3 only. */
@ExtendWith(VertxExtension.class)
class TlsTest {

    @TempDir
    Path dataDir;
    @TempDir
    Path certDir;
    private Vertx vertx;
    private SelfSignedCertificate certificate;
    private TestGateway gateway;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        this.vertx = vertx;
        certificate = SelfSignedCertificate.generate(certDir);
        gateway = TestGateway.start(vertx, dataDir, Map.of(
                "METRICS_GATEWAY_TLS_CERT_FILE", certificate.certFile().toString(),
                "METRICS_GATEWAY_TLS_KEY_FILE", certificate.keyFile().toString()));
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void aClientTrustingTheCertificateScrapesOverTls12And13() throws Exception {
        for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
            HttpClient client = vertx.createHttpClient(tlsClient(protocol));
            try {
                int status = TestGateway.await(client.request(scrape())
                        .compose(request -> request.send())
                        .map(response -> response.statusCode()));
                assertThat(status).as(protocol).isEqualTo(200);
            } finally {
                TestGateway.await(client.close());
            }
        }
    }

    @Test
    void plainHttpIsNotServedOnATlsPort() {
        assertThatThrownBy(() -> gateway.get("/healthz", Map.of())).isNotNull();
    }

    @Test
    void tls11IsRefused() throws Exception {
        HttpClient client = vertx.createHttpClient(tlsClient("TLSv1.1"));
        try {
            assertThatThrownBy(() -> TestGateway.await(client.request(scrape()).compose(request -> request.send())))
                    .hasRootCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        } finally {
            TestGateway.await(client.close());
        }
    }

    private HttpClientOptions tlsClient(String protocol) {
        return new HttpClientOptions()
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(certificate.certFile().toString()))
                .setVerifyHost(true)
                .setEnabledSecureTransportProtocols(Set.of(protocol));
    }

    private RequestOptions scrape() {
        return new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(gateway.port())
                .setURI("/api/v1/observability/metrics").putHeader("Authorization", "Tecton-key " + gateway.readerKey);
    }
}
