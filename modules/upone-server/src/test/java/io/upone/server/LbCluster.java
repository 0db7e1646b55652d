package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.upone.lb.testing.RealHaproxy;
import io.upone.lb.testing.RealSlardar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * What the load-balancer tests stand on: a real HAProxy (with the backends the test names) and
 * the real Slardar, a master, and one agent on 127.0.0.1 running real processes that carry
 * {@link #marker}. Closing ends all of it, processes included.
 */
final class LbCluster implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(40);
  final RealHaproxy haproxy;
  final RealSlardar slardar;
  final TestNode master;
  final TestAgents agents;
  final String marker;

  private LbCluster(Path dir, String markerPrefix, List<String> backends, String agentPorts) throws Exception {
    marker = markerPrefix + UUID.randomUUID();
    RealHaproxy h = null;
    RealSlardar sl = null;
    TestNode m = null;
    TestAgents a = null;
    try {
      h = RealHaproxy.start(dir.resolve("haproxy"), backends);
      sl = RealSlardar.start(dir.resolve("slardar"));
      m = TestNode.agentMaster(dir);
      a = new TestAgents(dir);
      a.start(m.url(), "a", "cpus:8;mem:8192;disk:1000;ports:[" + agentPorts + "]", "127.0.0.1");
      TestNode master0 = m;
      TestNode.await("the agent", WAIT, () -> master0.get("/v1/agents").json().getJsonArray("agents").size() == 1);
    } catch (Exception | AssertionError e) {
      // the test class never gets the cluster to close: what was started ends here (a master
      // that did not start under load left HAProxy and Slardar running)
      try {
        closeAll(a, m, h, sl, marker);
      } catch (Exception closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    haproxy = h;
    slardar = sl;
    master = m;
    agents = a;
  }

  /** {@code agentPorts}: the agent's port range, e.g. {@code 30000-30199} (below the ephemeral range). */
  static LbCluster start(Path dir, String markerPrefix, List<String> backends, String agentPorts) throws Exception {
    return new LbCluster(dir, markerPrefix, backends, agentPorts);
  }

  /** Zone {@code edge-h} holds the HAProxy, {@code edge-s} the Slardar. */
  LbCluster withZones() {
    assertEquals(201, master.post("/v1/zones", "{\"name\": \"edge-h\", \"kind\": \"haproxy\", \"instances\": [\""
        + haproxy.admin() + "\"]}").status());
    assertEquals(201, master.post("/v1/zones", "{\"name\": \"edge-s\", \"kind\": \"slardar\", \"instances\": [\""
        + slardar.admin() + "\"]}").status());
    return this;
  }

  @Override
  public void close() throws Exception {
    closeAll(agents, master, haproxy, slardar, marker);
  }

  private static void closeAll(TestAgents agents, TestNode master, RealHaproxy haproxy, RealSlardar slardar, String marker)
      throws Exception {
    if (agents != null) agents.close();
    if (master != null) master.close();
    Procs.cleanUp(marker);
    if (haproxy != null) haproxy.close();
    if (slardar != null) slardar.close();
  }
}
