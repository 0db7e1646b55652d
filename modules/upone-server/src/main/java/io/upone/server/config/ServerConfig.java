package io.upone.server.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything one upone node needs to start. Built by {@link ConfigSources} from a file, the
 * environment and flags (flags win over env, env over the file).
 *
 * @param self  this node's raft endpoint and HTTP URL
 * @param peers all members of the raft group, self included (one entry = single-node group)
 */
public record ServerConfig(Path dataDir, String httpHost, int httpPort, Peer self, List<Peer> peers,
                           long snapshotEveryEvents, int maxBatchProposals, int electionTimeoutMs,
                           long maxBodyBytes, SchedulerConfig scheduler, LocalAgent localAgent,
                           io.upone.mesos.MesosConfig mesos, SecurityConfig security,
                           io.upone.server.bridge.BridgeConfig bridge,
                           io.upone.server.alerts.AlertSettings alerts,
                           io.upone.server.consul.ConsulConfig consul) {

  /** The agent `make run` embeds: same process, tasks ended when the node stops. Null = none. */
  public record LocalAgent(String resources, String attributes, String hostname) {}

  public static final long DEFAULT_MAX_BODY = 1 << 20;

  /** Without security, bridge and alert settings: their defaults (no default webhook; apps and jobs alert through their own). */
  public ServerConfig(Path dataDir, String httpHost, int httpPort, Peer self, List<Peer> peers, long snapshotEveryEvents,
                      int maxBatchProposals, int electionTimeoutMs, long maxBodyBytes, SchedulerConfig scheduler,
                      LocalAgent localAgent, io.upone.mesos.MesosConfig mesos) {
    this(dataDir, httpHost, httpPort, self, peers, snapshotEveryEvents, maxBatchProposals, electionTimeoutMs, maxBodyBytes,
        scheduler, localAgent, mesos, null, null, null, null);
  }

  public ServerConfig {
    peers = List.copyOf(peers);
    if (security == null) security = SecurityConfig.OFF;
    if (bridge == null) bridge = io.upone.server.bridge.BridgeConfig.defaults();
    if (alerts == null) alerts = io.upone.server.alerts.AlertSettings.defaults();
    if (mesos != null && localAgent != null) {
      throw new IllegalArgumentException("--mesos and --local-agent exclude each other: tasks run on Mesos agents or on upone's own");
    }
    if (peers.stream().noneMatch(p -> p.raftEndpoint().equals(self.raftEndpoint()))) {
      throw new IllegalArgumentException("peers " + peers.stream().map(Peer::raftEndpoint).toList()
          + " do not include this node's raft endpoint " + self.raftEndpoint());
    }
  }

  /** A single-node configuration on loopback. */
  public static ServerConfig single(Path dataDir, int httpPort, int raftPort) {
    Peer self = new Peer("127.0.0.1:" + raftPort, "http://127.0.0.1:" + httpPort);
    return new ServerConfig(dataDir, "127.0.0.1", httpPort, self, List.of(self), 100_000, 4096, 1000, DEFAULT_MAX_BODY,
        SchedulerConfig.defaults(), null, null, SecurityConfig.OFF, null, null, null);
  }

  public ServerConfig withPeers(Peer newSelf, List<Peer> newPeers) {
    return new ServerConfig(dataDir, httpHost, httpPort, newSelf, newPeers, snapshotEveryEvents, maxBatchProposals,
        electionTimeoutMs, maxBodyBytes, scheduler, localAgent, mesos, security, bridge, alerts, consul);
  }

  public ServerConfig withScheduler(SchedulerConfig s) {
    return new ServerConfig(dataDir, httpHost, httpPort, self, peers, snapshotEveryEvents, maxBatchProposals,
        electionTimeoutMs, maxBodyBytes, s, localAgent, mesos, security, bridge, alerts, consul);
  }

  public ServerConfig withLocalAgent(LocalAgent a) {
    return new ServerConfig(dataDir, httpHost, httpPort, self, peers, snapshotEveryEvents, maxBatchProposals,
        electionTimeoutMs, maxBodyBytes, scheduler, a, mesos, security, bridge, alerts, consul);
  }

  /** Drive a Mesos master instead of upone agents (null: native agents). */
  public ServerConfig withMesos(io.upone.mesos.MesosConfig m) {
    return new ServerConfig(dataDir, httpHost, httpPort, self, peers, snapshotEveryEvents, maxBatchProposals,
        electionTimeoutMs, maxBodyBytes, scheduler, localAgent, m, security, bridge, alerts, consul);
  }

  /** Tokens, agent secret, TLS (see {@link SecurityConfig}). */
  public ServerConfig withSecurity(SecurityConfig sec) {
    return new ServerConfig(dataDir, httpHost, httpPort, self, peers, snapshotEveryEvents, maxBatchProposals,
        electionTimeoutMs, maxBodyBytes, scheduler, localAgent, mesos, sec, bridge, alerts, consul);
  }

  /** The event bus bridge's settings. */
  public ServerConfig withBridge(io.upone.server.bridge.BridgeConfig b) {
    return new ServerConfig(dataDir, httpHost, httpPort, self, peers, snapshotEveryEvents, maxBatchProposals,
        electionTimeoutMs, maxBodyBytes, scheduler, localAgent, mesos, security, b, alerts, consul);
  }

  public ServerConfig withAlerts(io.upone.server.alerts.AlertSettings a) {
    return new ServerConfig(dataDir, httpHost, httpPort, self, peers, snapshotEveryEvents, maxBatchProposals,
        electionTimeoutMs, maxBodyBytes, scheduler, localAgent, mesos, security, bridge, a, consul);
  }

  /** Register services, read app env and agent attributes from this Consul agent (null: no Consul). */
  public ServerConfig withConsul(io.upone.server.consul.ConsulConfig c) {
    return new ServerConfig(dataDir, httpHost, httpPort, self, peers, snapshotEveryEvents, maxBatchProposals,
        electionTimeoutMs, maxBodyBytes, scheduler, localAgent, mesos, security, bridge, alerts, c);
  }

  public String httpUrlOf(String raftEndpoint) {
    return peers.stream().filter(p -> p.raftEndpoint().equals(raftEndpoint)).map(Peer::httpUrl).findFirst().orElse(null);
  }
}
