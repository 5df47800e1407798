package dev.metricsgateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;

/**
 * A certificate for 127.0.0.1/localhost generated for one test, as PEM files: keytool (part of
 * every JDK) makes a PKCS#12 key pair, which is then written out as a certificate and a PKCS#8
 * key, the forms an operator hands the gateway.
 */
public record SelfSignedCertificate(Path certFile, Path keyFile) {

    private static final char[] PASSWORD = "changeit".toCharArray();

    public static SelfSignedCertificate generate(Path dir) throws IOException, GeneralSecurityException {
        Path keyStore = dir.resolve("gateway.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ExternalTool.Result result = ExternalTool.run(List.of(keytool.toString(), "-genkeypair", "-alias", "gateway",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)), new byte[0]);
        if (result.exitCode() != 0) {
            throw new IOException("keytool failed: " + result.stdout() + result.stderr());
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD);
        }
        Certificate certificate = store.getCertificate("gateway");
        PrivateKey key = (PrivateKey) store.getKey("gateway", PASSWORD);
        Path cert = dir.resolve("gateway.crt");
        Path keyFile = dir.resolve("gateway.key");
        Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
        return new SelfSignedCertificate(cert, keyFile);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
