package io.upone.mesos.sim;

/**
 * The simulated cluster and the master's timings.
 *
 * @param agents             simulated agents; agent N lives on its own loopback address (127.0.0.2, 127.0.0.3, …,
 *                           see {@link AgentAddress}), which is also its hostname
 * @param cpus               cpus per agent
 * @param mem                MB of memory per agent
 * @param disk               MB of disk per agent
 * @param portBegin          first port each agent offers
 * @param portEnd            last port each agent offers
 * @param racks              agents get attributes rack=r(N mod racks) and zone=z(N mod 3)
 * @param heartbeatSeconds   HEARTBEAT interval told in SUBSCRIBED (Mesos default 15)
 * @param offerIntervalMs    allocation interval: free resources are offered this often (Mesos default 1000)
 * @param offerTimeoutMs     an offer outstanding this long is rescinded (0 = never, the Mesos default)
 * @param updateRetryMs      first resend of an unacknowledged status update (Mesos agents: 10 s, doubling to 10 min)
 * @param startDelayMs       launch → TASK_STARTING → TASK_RUNNING delay
 * @param host               address the master binds
 * @param port               port (0 = any)
 * @param leader             when not null, this master is not the leader and answers 307 to host:port here
 * @param agentPort          port of each agent's HTTP endpoints ({@code /slave(1)/state}, {@code /monitor/statistics}),
 *                           bound on the agent's own address: 0 = an ephemeral port per agent (the default: simulators
 *                           side by side never clash), a fixed port (5051 as Mesos) on every agent address, or
 *                           {@link #NO_AGENT_ENDPOINTS} to bind nothing (offers still name port 5051)
 */
public record SimOptions(int agents, double cpus, double mem, double disk, int portBegin, int portEnd, int racks,
                         double heartbeatSeconds, long offerIntervalMs, long offerTimeoutMs, long updateRetryMs,
                         long startDelayMs, String host, int port, String leader, int agentPort) {
  /** {@code agentPort}: serve no agent endpoints. */
  public static final int NO_AGENT_ENDPOINTS = -1;

  public SimOptions {
    if (agentPort < NO_AGENT_ENDPOINTS || agentPort > 65535) throw new IllegalArgumentException("bad agent port " + agentPort);
    if (agents > AgentAddress.MAX_AGENTS) throw new IllegalArgumentException("at most " + AgentAddress.MAX_AGENTS + " agents");
    if (agents < 0) throw new IllegalArgumentException("agents must not be negative");
    if (portBegin < 1 || portEnd > 65535 || portBegin > portEnd) throw new IllegalArgumentException("bad port range");
    if (heartbeatSeconds <= 0 || offerIntervalMs <= 0 || updateRetryMs <= 0) {
      throw new IllegalArgumentException("intervals must be positive");
    }
    if (racks < 1) throw new IllegalArgumentException("racks must be at least 1");
  }

  /** Agent endpoints on ephemeral ports. */
  public SimOptions(int agents, double cpus, double mem, double disk, int portBegin, int portEnd, int racks,
                    double heartbeatSeconds, long offerIntervalMs, long offerTimeoutMs, long updateRetryMs,
                    long startDelayMs, String host, int port, String leader) {
    this(agents, cpus, mem, disk, portBegin, portEnd, racks, heartbeatSeconds, offerIntervalMs, offerTimeoutMs,
        updateRetryMs, startDelayMs, host, port, leader, 0);
  }

  public static SimOptions defaults() {
    return new SimOptions(10, 8, 16384, 100_000, 31000, 32000, 4, 15, 1000, 0, 10_000, 5, "127.0.0.1", 5050, null, 0);
  }

  /** Fast timings for tests: offers every 50 ms, heartbeats every second, retries after 500 ms. */
  public static SimOptions forTests(int agents) {
    return new SimOptions(agents, 4, 8192, 100_000, 31000, 31999, 4, 1, 50, 0, 500, 2, "127.0.0.1", 0, null, 0);
  }

  public SimOptions withAgents(int n) {
    return new SimOptions(n, cpus, mem, disk, portBegin, portEnd, racks, heartbeatSeconds, offerIntervalMs,
        offerTimeoutMs, updateRetryMs, startDelayMs, host, port, leader, agentPort);
  }

  public SimOptions withPort(String h, int p) {
    return new SimOptions(agents, cpus, mem, disk, portBegin, portEnd, racks, heartbeatSeconds, offerIntervalMs,
        offerTimeoutMs, updateRetryMs, startDelayMs, h, p, leader, agentPort);
  }

  public SimOptions withLeader(String hostPort) {
    return new SimOptions(agents, cpus, mem, disk, portBegin, portEnd, racks, heartbeatSeconds, offerIntervalMs,
        offerTimeoutMs, updateRetryMs, startDelayMs, host, port, hostPort, agentPort);
  }

  public SimOptions withTimings(double heartbeatS, long offerMs, long offerTimeout, long retryMs, long startMs) {
    return new SimOptions(agents, cpus, mem, disk, portBegin, portEnd, racks, heartbeatS, offerMs, offerTimeout,
        retryMs, startMs, host, port, leader, agentPort);
  }

  public SimOptions withResources(double c, double m, double d) {
    return new SimOptions(agents, c, m, d, portBegin, portEnd, racks, heartbeatSeconds, offerIntervalMs,
        offerTimeoutMs, updateRetryMs, startDelayMs, host, port, leader, agentPort);
  }

  public SimOptions withAgentPort(int p) {
    return new SimOptions(agents, cpus, mem, disk, portBegin, portEnd, racks, heartbeatSeconds, offerIntervalMs,
        offerTimeoutMs, updateRetryMs, startDelayMs, host, port, leader, p);
  }
}
