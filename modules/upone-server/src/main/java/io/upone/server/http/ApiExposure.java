package io.upone.server.http;

import io.upone.server.auth.ApiTokens;
import io.upone.server.config.SecurityConfig;
import io.upone.server.config.ServerConfig;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the API faces the network: TLS from PEM files when configured, and a warning when it is
 * reachable beyond this machine with no tokens (anyone there could run any command on every
 * agent). Loopback without tokens stays quiet: that is {@code make run}.
 */
public final class ApiExposure {
  private static final Logger LOG = LoggerFactory.getLogger(ApiExposure.class);

  private ApiExposure() {}

  public static HttpServerOptions tls(SecurityConfig sec, HttpServerOptions o) {
    if (!sec.tls()) return o;
    return o.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(sec.tlsCert().toString())
        .setKeyPath(sec.tlsKey().toString()));
  }

  /** What a member trusts when it calls another member over TLS: {@code tls-ca}, else the node's own certificate. */
  public static PemTrustOptions peerTrust(SecurityConfig sec) {
    return new PemTrustOptions().addCertPath(peerTrustPath(sec).toString());
  }

  public static java.nio.file.Path peerTrustPath(SecurityConfig sec) {
    return sec.tlsCa() != null ? sec.tlsCa() : sec.tlsCert();
  }

  static void warnIfOpen(ServerConfig config, ApiTokens tokens) {
    boolean loopback = loopback(config.httpHost());
    if (!loopback && !tokens.enabled()) {
      LOG.warn("the HTTP API binds {} with no API tokens: anyone who reaches it can run any command on every agent. "
          + "Set tokens-file (lines 'token role name') or bind 127.0.0.1", config.httpHost());
    }
    if (!loopback && config.security().agentSecret() == null && config.mesos() == null) {
      LOG.warn("no agent-secret: any process that reaches {} can register as an agent and receive tasks", config.httpHost());
    }
    if (!loopback && !config.security().tls() && tokens.enabled()) {
      LOG.warn("API tokens travel in clear text: set tls-cert and tls-key, or terminate TLS in front of this node");
    }
  }

  static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
