package io.upone.server.consul;

import io.vertx.ext.consul.ConsulClientOptions;
import java.net.URI;

/**
 * Where the Consul agent answers ({@code consul-address}: {@code http://host:port} or
 * {@code host:port}; unset = no Consul), and how often everything is compared and repaired.
 *
 * @param resyncMs a full comparison of the registrations with the agent's, besides the one on leadership
 * @param waitS    how long one blocking query is held by Consul before it answers unchanged
 */
public record ConsulConfig(String host, int port, long resyncMs, int waitS) {
  /** Where upone reads app env: {@code upone/apps/<app id without its leading slash>/env/<NAME>}. */
  public static final String KV_PREFIX = "upone/apps/";

  public static ConsulConfig parse(String address) {
    String a = address.trim();
    URI u;
    try {
      u = URI.create(a.contains("://") ? a : "http://" + a);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("consul-address must be http://host:port, got '" + address + "'");
    }
    if (!"http".equals(u.getScheme()) || u.getHost() == null) {
      throw new IllegalArgumentException("consul-address must be http://host:port, got '" + address + "'");
    }
    return new ConsulConfig(u.getHost(), u.getPort() < 0 ? 8500 : u.getPort(), 30_000, 60);
  }

  public ConsulConfig withResyncMs(long ms) {
    return new ConsulConfig(host, port, ms, waitS);
  }

  ConsulClientOptions clientOptions() {
    // a blocking query is held up to waitS by Consul: the client's timeout must outlast it
    return new ConsulClientOptions().setHost(host).setPort(port).setTimeout((waitS + 15) * 1000L);
  }

  String address() {
    return "http://" + host + ":" + port;
  }
}
