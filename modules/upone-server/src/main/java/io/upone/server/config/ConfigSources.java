package io.upone.server.config;

import io.upone.placement.PlacementConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Merges settings from a properties file, {@code UPONE_*} environment variables and flags into
 * a {@link ServerConfig}. Keys are the flag names without dashes: {@code data-dir} in the file,
 * {@code UPONE_DATA_DIR} in the environment, {@code --data-dir} on the command line.
 */
public final class ConfigSources {
  public static final List<String> KEYS = List.of("data-dir", "http-host", "http-port", "raft", "peers",
      "snapshot-every", "max-batch", "election-timeout-ms", "max-body-bytes", "heartbeat-ms", "agent-timeout-ms",
      "kill-budget", "deploy-deadline-s", "health-kill-budget", "lost-budget", "local-agent", "local-agent-resources", "local-agent-attributes",
      "placement-strategy", "placement-weight-attribute", "placement-agent-weights",
      "mesos", "mesos-framework-name", "mesos-role", "mesos-user", "mesos-failover-timeout-s", "mesos-codec", "join",
      "tokens-file", "tokens", "agent-secret", "tls-cert", "tls-key", "tls-ca",
      "bridge-tcp-port", "bridge-sockjs-path", "bridge-token", "bridge-max-frame-bytes", "bridge-max-queue-bytes", "bridge-max-held",
      "slack-webhook", "alerts-channel", "alerts-group-ms", "alerts-dedupe-s", "alerts-per-minute", "alerts-queue", "alerts-flap",
      "consul-address");

  private ConfigSources() {}

  /** A share in (0, 1], or an error naming the setting. */
  private static double fraction(Map<String, String> v, String key) {
    double d;
    try {
      d = Double.parseDouble(v.get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + v.get(key) + "'");
    }
    if (!(d > 0 && d <= 1)) throw new IllegalArgumentException(key + " must be in (0, 1]");
    return d;
  }

  public static ServerConfig resolve(Path file, Map<String, String> env, Map<String, String> flags) {
    Map<String, String> v = merged(file, env, flags);
    int httpPort = intOf(v, "http-port");
    String raft = v.get("raft");
    String host = raft.contains(":") ? raft.substring(0, raft.lastIndexOf(':')) : raft;
    Peer self = new Peer(raft, (v.get("tls-cert") != null ? "https://" : "http://") + host + ":" + httpPort);
    List<Peer> peers = new ArrayList<>();
    String peerList = v.get("peers");
    if (peerList == null || peerList.isBlank()) {
      peers.add(self);
    } else {
      for (String p : peerList.split(",")) if (!p.isBlank()) peers.add(Peer.parse(p));
      self = peers.stream().filter(p -> p.raftEndpoint().equals(raft)).findFirst().orElseThrow(() ->
          new IllegalArgumentException("--peers must include this node's --raft endpoint " + raft));
    }
    double killBudget = fraction(v, "kill-budget");
    double healthKills = fraction(v, "health-kill-budget");
    long deadline = intOf(v, "deploy-deadline-s");
    if (deadline < 1) throw new IllegalArgumentException("deploy-deadline-s must be at least 1");
    SchedulerConfig sched = new SchedulerConfig(500, intOf(v, "heartbeat-ms"), intOf(v, "agent-timeout-ms"), killBudget, 5,
        placement(v)).withDeployments(deadline * 1000, healthKills).withLostBudget(fraction(v, "lost-budget"));
    ServerConfig.LocalAgent local = null;
    if (Boolean.parseBoolean(v.get("local-agent"))) {
      local = new ServerConfig.LocalAgent(v.get("local-agent-resources"), v.get("local-agent-attributes"), null);
    }
    return new ServerConfig(Path.of(v.get("data-dir")), v.get("http-host"), httpPort, self, peers,
        intOf(v, "snapshot-every"), intOf(v, "max-batch"), intOf(v, "election-timeout-ms"), intOf(v, "max-body-bytes"),
        sched, local, mesos(v, httpPort), security(v), bridge(v), io.upone.server.alerts.AlertSettings.from(v), consul(v));
  }

  /** {@code bridge-*}: the event bus bridge (TCP port, SockJS path, token, limits). */
  private static io.upone.server.bridge.BridgeConfig bridge(Map<String, String> v) {
    String token = v.get("bridge-token");
    return new io.upone.server.bridge.BridgeConfig(intOf(v, "bridge-tcp-port"), v.get("bridge-sockjs-path"),
        token == null || token.isBlank() ? null : token, intOf(v, "bridge-max-frame-bytes"), intOf(v, "bridge-max-queue-bytes"),
        intOf(v, "bridge-max-held"));
  }

  /** Every setting after defaults, file, environment and flags are merged (keys as in {@link #KEYS}). */
  public static Map<String, String> merged(Path file, Map<String, String> env, Map<String, String> flags) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("data-dir", "data/node1");
    v.put("http-host", "127.0.0.1");
    v.put("http-port", "8080");
    v.put("raft", "127.0.0.1:7070");
    v.put("snapshot-every", "100000");
    v.put("max-batch", "4096");
    v.put("election-timeout-ms", "1000");
    v.put("max-body-bytes", String.valueOf(ServerConfig.DEFAULT_MAX_BODY));
    v.put("heartbeat-ms", "1000");
    v.put("agent-timeout-ms", "10000");
    v.put("kill-budget", "0.5");
    v.put("deploy-deadline-s", String.valueOf(SchedulerConfig.DEFAULT_DEPLOY_DEADLINE_MS / 1000));
    v.put("health-kill-budget", String.valueOf(SchedulerConfig.DEFAULT_HEALTH_KILL_BUDGET));
    v.put("lost-budget", String.valueOf(SchedulerConfig.DEFAULT_LOST_BUDGET));
    v.put("local-agent", "false");
    v.put("placement-strategy", "spread");
    io.upone.server.bridge.BridgeConfig bridge = io.upone.server.bridge.BridgeConfig.defaults();
    v.put("bridge-tcp-port", String.valueOf(bridge.tcpPort()));
    v.put("bridge-sockjs-path", bridge.sockJsPath());
    v.put("bridge-max-frame-bytes", String.valueOf(bridge.maxFrameBytes()));
    v.put("bridge-max-queue-bytes", String.valueOf(bridge.maxQueueBytes()));
    v.put("bridge-max-held", String.valueOf(bridge.maxHeld()));
    if (file != null) v.putAll(fromFile(file));
    for (String k : KEYS) {
      String e = env.get("UPONE_" + k.toUpperCase().replace('-', '_'));
      if (e != null && !e.isBlank()) v.put(k, e.trim());
    }
    flags.forEach((k, val) -> {
      if (val != null) v.put(k, val);
    });
    return v;
  }

  /** {@code consul-address}: the Consul agent's HTTP address; unset or blank = no Consul. */
  private static io.upone.server.consul.ConsulConfig consul(Map<String, String> v) {
    String a = v.get("consul-address");
    return a == null || a.isBlank() ? null : io.upone.server.consul.ConsulConfig.parse(a);
  }

  /** {@code mesos}: master URL(s); the other mesos-* keys only matter with it. */
  private static io.upone.mesos.MesosConfig mesos(Map<String, String> v, int httpPort) {
    String masters = v.get("mesos");
    if (masters == null || masters.isBlank()) return null;
    io.upone.mesos.MesosConfig m = io.upone.mesos.MesosConfig.of(masters);
    if (v.get("mesos-framework-name") != null) m = m.withName(v.get("mesos-framework-name"));
    if (v.get("mesos-role") != null) m = m.withRole(v.get("mesos-role"));
    if (v.get("mesos-user") != null) m = m.withUser(v.get("mesos-user"));
    String timeout = v.get("mesos-failover-timeout-s");
    if (timeout != null) {
      try {
        m = m.withFailoverTimeout(Double.parseDouble(timeout));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("mesos-failover-timeout-s must be a number of seconds, got '" + timeout + "'");
      }
    }
    String codec = v.get("mesos-codec");
    if (codec != null) {
      switch (codec) {
        case "protobuf" -> m = m.withCodec(io.upone.mesos.MesosCodec.PROTOBUF);
        case "json" -> m = m.withCodec(io.upone.mesos.MesosCodec.JSON);
        default -> throw new IllegalArgumentException("mesos-codec must be protobuf or json, got '" + codec + "'");
      }
    }
    String host = v.get("http-host");
    String shown = "0.0.0.0".equals(host) ? io.upone.agent.LocalMachine.hostname() : host;
    return m.withWebui(shown, "http://" + shown + ":" + httpPort);
  }

  private static SecurityConfig security(Map<String, String> v) {
    return new SecurityConfig(path(v, "tokens-file"), v.get("tokens"), v.get("agent-secret"), path(v, "tls-cert"),
        path(v, "tls-key"), path(v, "tls-ca"));
  }

  private static Path path(Map<String, String> v, String k) {
    String p = v.get(k);
    return p == null || p.isBlank() ? null : Path.of(p);
  }

  /** {@code placement-agent-weights}: {@code agentId=weight,...}; the attribute names a numeric agent attribute. */
  private static PlacementConfig placement(Map<String, String> v) {
    Map<String, Double> weights = new LinkedHashMap<>();
    String list = v.get("placement-agent-weights");
    if (list != null) {
      for (String pair : list.split(",")) {
        if (pair.isBlank()) continue;
        String[] kv = pair.split("=", 2);
        try {
          weights.put(kv[0].trim(), Double.parseDouble(kv.length == 2 ? kv[1].trim() : ""));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("placement-agent-weights: '" + pair.trim() + "' is not agentId=number");
        }
      }
    }
    try {
      return PlacementConfig.defaults().withDefaultStrategy(v.get("placement-strategy"))
          .withAgentWeights(weights, v.getOrDefault("placement-weight-attribute", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("placement: " + e.getMessage());
    }
  }

  private static Map<String, String> fromFile(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : p.stringPropertyNames()) {
      if (!KEYS.contains(k)) throw new IllegalArgumentException("config file " + file + ": unknown key '" + k + "'; known: " + KEYS);
      out.put(k, p.getProperty(k).trim());
    }
    return out;
  }

  private static int intOf(Map<String, String> v, String k) {
    try {
      return Integer.parseInt(v.get(k));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(k + " must be an integer, got '" + v.get(k) + "'");
    }
  }
}
