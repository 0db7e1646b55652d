package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.server.config.SecurityConfig;
import io.upone.server.config.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on the API with a self-signed certificate made here by keytool: a client that trusts it
 * talks to every member, a follower forwards to the leader over TLS (with the caller's token),
 * the embedded agent reaches its master over TLS, a client that does not trust it is refused.
 */
class TlsTest {
  static final String WRITE = "tls-write-token-0123456789";
  static final String SECRET = "tls-agent-secret";

  @TempDir static Path dir;
  static final List<TestNode> nodes = new ArrayList<>();
  static HttpClient trusting;

  @BeforeAll
  static void start() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    KeyStore ks = selfSigned(dir.resolve("ks.p12"), cert, key);
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, WRITE + " write tls-deployer\n");
    SecurityConfig sec = SecurityConfig.OFF.withTokensFile(tokens).withAgentSecret(SECRET).withTls(cert, key, null);
    List<ServerConfig> group = TestNode.group(dir);
    for (int i = 0; i < group.size(); i++) {
      ServerConfig c = group.get(i).withSecurity(sec);
      if (i == 0) c = c.withLocalAgent(new ServerConfig.LocalAgent("cpus:1;mem:256;ports:[21100-21110]", null, "tls-host"));
      nodes.add(new TestNode(c));
    }
    for (TestNode n : nodes) n.start();
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    trusting = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    TestNode.closeAll(nodes);
  }

  /** keytool makes the key pair and certificate (SAN 127.0.0.1); the PEM files are written from its keystore. */
  static KeyStore selfSigned(Path store, Path certPem, Path keyPem) throws Exception {
    Process p = new ProcessBuilder("keytool", "-genkeypair", "-alias", "upone", "-keyalg", "RSA", "-keysize", "2048",
        "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", store.toString(),
        "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool: " + out);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    Certificate c = ks.getCertificate("upone");
    Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes());
    Files.writeString(certPem, "-----BEGIN CERTIFICATE-----\n" + b64.encodeToString(c.getEncoded()) + "\n-----END CERTIFICATE-----\n");
    Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n" + b64.encodeToString(ks.getKey("upone", "changeit".toCharArray())
        .getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("upone", c);
    return trust;
  }

  static HttpResponse<String> send(HttpClient client, String url, String method, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + WRITE).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String https(TestNode n) {
    return "https://127.0.0.1:" + n.config.httpPort();
  }

  @Test
  void httpsRoundTripThroughAFollowerAndTheEmbeddedAgent() throws Exception {
    TestNode leader = TestNode.leaderOf(nodes);
    TestNode follower = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    for (TestNode n : nodes) {
      TestNode.await("HTTPS /health on " + n.url(), Duration.ofSeconds(30), () -> {
        try {
          return send(trusting, https(n) + "/health", "GET", null).statusCode() == 200;
        } catch (Exception e) {
          return false;
        }
      });
    }
    HttpResponse<String> created = send(trusting, https(follower) + "/v1/apps", "POST",
        "{\"id\": \"/tls/app\", \"cmd\": \"sleep 1\", \"instances\": 0}");
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("tls-deployer", created.headers().firstValue("X-Upone-Caller").orElse(null));
    // the embedded agent of node 0 heartbeats its own node over HTTPS (forwarded on if that node follows)
    TestNode.await("the embedded agent registers over HTTPS", Duration.ofSeconds(30), () -> {
      try {
        return new JsonObject(send(trusting, https(leader) + "/v1/agents", "GET", null).body()).getJsonArray("agents").size() == 1;
      } catch (Exception e) {
        return false;
      }
    });
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefused() {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThrows(SSLHandshakeException.class, () -> send(plain, https(nodes.get(0)) + "/health", "GET", null));
    // and plain HTTP gets no answer from the TLS port
    assertThrows(IOException.class, () -> send(plain, "http://127.0.0.1:" + nodes.get(0).config.httpPort() + "/health", "GET", null));
  }
}
