package io.upone.mesos;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * How upone subscribes to a Mesos master.
 *
 * @param masters                 master URLs (http://host:5050); tried in turn, 307 redirects followed
 * @param frameworkName           FrameworkInfo.name
 * @param user                    FrameworkInfo.user: the OS user tasks run as when they name none
 * @param role                    the role offers are allocated to ("*" = the default role)
 * @param failoverTimeoutSeconds  how long Mesos keeps our tasks running while no scheduler is subscribed
 * @param codec                   protobuf or JSON on the wire
 * @param minBackoffMs            first reconnect delay; doubled on each failure
 * @param maxBackoffMs            reconnect delay cap
 * @param missedHeartbeats        HEARTBEAT intervals without any event before the stream is called broken
 * @param implicitReconcileMs     period of implicit reconciliation (all tasks Mesos runs for us)
 * @param hostname                FrameworkInfo.hostname and webui_url host (may be empty)
 * @param webuiUrl                FrameworkInfo.webui_url (may be empty)
 */
public record MesosConfig(List<URI> masters, String frameworkName, String user, String role,
                          double failoverTimeoutSeconds, MesosCodec codec, long minBackoffMs, long maxBackoffMs,
                          int missedHeartbeats, long implicitReconcileMs, String hostname, String webuiUrl) {

  /** A week: long enough to survive any upone outage, short enough that an abandoned framework ends. */
  public static final double DEFAULT_FAILOVER_TIMEOUT_S = 7 * 24 * 3600;

  public MesosConfig {
    masters = List.copyOf(masters);
    if (masters.isEmpty()) throw new IllegalArgumentException("mesos: at least one master URL is needed");
    if (failoverTimeoutSeconds < 0) throw new IllegalArgumentException("mesos-failover-timeout-s must not be negative");
    if (minBackoffMs <= 0 || maxBackoffMs < minBackoffMs) throw new IllegalArgumentException("bad reconnect backoff");
    if (missedHeartbeats < 1) throw new IllegalArgumentException("missedHeartbeats must be at least 1");
  }

  public static MesosConfig of(String masterUrls) {
    return new MesosConfig(parseMasters(masterUrls), "upone", System.getProperty("user.name", "root"), "*",
        DEFAULT_FAILOVER_TIMEOUT_S, MesosCodec.PROTOBUF, 250, 10_000, 2, 600_000, "", "");
  }

  /** {@code http://m1:5050,http://m2:5050}; a bare host:port means http. */
  public static List<URI> parseMasters(String text) {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("mesos: a master URL is needed, e.g. http://127.0.0.1:5050");
    List<URI> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String s = part.trim();
      if (s.isEmpty()) continue;
      if (!s.contains("://")) s = "http://" + s;
      URI u;
      try {
        u = URI.create(s);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("mesos: bad master URL '" + part.trim() + "'");
      }
      if (!"http".equals(u.getScheme()) || u.getHost() == null) {
        throw new IllegalArgumentException("mesos: master URL '" + part.trim() + "' must be http://host:port");
      }
      out.add(u);
    }
    return out;
  }

  public MesosConfig withCodec(MesosCodec c) {
    return copy(frameworkName, user, role, failoverTimeoutSeconds, c, minBackoffMs, maxBackoffMs, implicitReconcileMs,
        hostname, webuiUrl);
  }

  public MesosConfig withFailoverTimeout(double seconds) {
    return copy(frameworkName, user, role, seconds, codec, minBackoffMs, maxBackoffMs, implicitReconcileMs, hostname, webuiUrl);
  }

  public MesosConfig withBackoff(long min, long max) {
    return copy(frameworkName, user, role, failoverTimeoutSeconds, codec, min, max, implicitReconcileMs, hostname, webuiUrl);
  }

  public MesosConfig withRole(String r) {
    return copy(frameworkName, user, r, failoverTimeoutSeconds, codec, minBackoffMs, maxBackoffMs, implicitReconcileMs,
        hostname, webuiUrl);
  }

  public MesosConfig withName(String name) {
    return copy(name, user, role, failoverTimeoutSeconds, codec, minBackoffMs, maxBackoffMs, implicitReconcileMs,
        hostname, webuiUrl);
  }

  public MesosConfig withUser(String u) {
    return copy(frameworkName, u, role, failoverTimeoutSeconds, codec, minBackoffMs, maxBackoffMs, implicitReconcileMs,
        hostname, webuiUrl);
  }

  public MesosConfig withImplicitReconcile(long ms) {
    return copy(frameworkName, user, role, failoverTimeoutSeconds, codec, minBackoffMs, maxBackoffMs, ms, hostname, webuiUrl);
  }

  public MesosConfig withWebui(String host, String url) {
    return copy(frameworkName, user, role, failoverTimeoutSeconds, codec, minBackoffMs, maxBackoffMs, implicitReconcileMs,
        host, url);
  }

  private MesosConfig copy(String name, String u, String r, double failover, MesosCodec c, long min, long max,
                           long reconcileMs, String host, String url) {
    return new MesosConfig(masters, name, u, r, failover, c, min, max, missedHeartbeats, reconcileMs, host, url);
  }
}
