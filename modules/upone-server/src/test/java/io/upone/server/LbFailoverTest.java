package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.lb.testing.RealHaproxy;
import io.upone.server.config.SchedulerConfig;
import io.upone.server.config.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leader failover in a 3-node group: the new leader resyncs the LB from the log, and since the
 * log says the same thing, no server is removed and added again (no flapping), as HAProxy's own
 * state shows: the same servers, none of whose state changed during the failover.
 */
class LbFailoverTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;
  final List<TestNode> nodes = new ArrayList<>();
  TestAgents agents;
  RealHaproxy haproxy;
  final String marker = "upone-lb-test-" + UUID.randomUUID();

  @AfterEach
  void stop() throws Exception {
    if (agents != null) agents.close();
    TestNode.closeAll(nodes);
    Procs.cleanUp(marker);
    if (haproxy != null) haproxy.close();
  }

  private Set<String> running(TestNode n) {
    Set<String> out = new TreeSet<>();
    n.get("/v1/apps/ha/web/tasks").json().getJsonArray("tasks").forEach(o -> {
      JsonObject t = (JsonObject) o;
      if ("TASK_RUNNING".equals(t.getString("state"))) out.add("127.0.0.1:" + t.getJsonArray("ports").getInteger(0));
    });
    return out;
  }

  @Test
  void theNewLeaderResyncsWithoutFlapping() throws Exception {
    haproxy = RealHaproxy.start(dir.resolve("haproxy"), List.of("ha.upone"));
    for (ServerConfig c : TestNode.group(dir)) {
      nodes.add(new TestNode(c.withScheduler(SchedulerConfig.defaults().withAgentTimeout(200, 5000))));
    }
    for (TestNode n : nodes) n.start();
    TestNode first = TestNode.leaderOf(nodes);
    agents = new TestAgents(dir);
    agents.start(nodes.stream().map(TestNode::url).collect(Collectors.joining(",")), "a",
        "cpus:8;mem:8192;disk:1000;ports:[30200-30299]", "127.0.0.1");
    TestNode.await("agent registered", WAIT, () -> first.get("/v1/agents").status() == 200
        && first.get("/v1/agents").json().getJsonArray("agents").size() == 1);
    Path docroot = Files.createDirectories(dir.resolve(marker));
    assertEquals(201, first.post("/v1/zones", "{\"name\": \"edge\", \"kind\": \"haproxy\", \"instances\": [\"" + haproxy.admin() + "\"]}").status());
    assertEquals(201, first.post("/v1/apps", "{\"id\": \"/ha/web\", \"cmd\": \"exec python3 -m http.server $PORT0 --bind 127.0.0.1"
        + " --directory " + docroot + "\", \"cpus\": 0.1, \"mem\": 32, \"instances\": 3,"
        + " \"loadBalancer\": {\"upstream\": \"ha.upone\", \"zone\": \"edge\"}}").status());
    TestNode.await("3 servers", WAIT, () -> {
      Set<String> want = running(first);
      return want.size() == 3 && haproxy.readyServers("ha.upone").equals(want);
    });
    Set<String> servers = haproxy.readyServers("ha.upone");
    Map<String, Long> since = haproxy.sinceLastChange("ha.upone");

    // watch HAProxy's view through the failover: a flap would show as a moment with fewer servers
    AtomicInteger fewest = new AtomicInteger(servers.size());
    Thread watch = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        fewest.accumulateAndGet(haproxy.readyServers("ha.upone").size(), Math::min);
      }
    });
    watch.start();
    try {
      first.stop();
      TestNode next = TestNode.leaderOf(nodes);
      // the new leader has compared everything with HAProxy: in sync, having pushed nothing
      TestNode.await("the new leader's sync confirms", WAIT, () -> {
        JsonObject inst = next.get("/v1/zones/edge").json().getJsonObject("sync").getJsonArray("instances").getJsonObject(0);
        return inst.getBoolean("inSync") && inst.getString("lastOkAt") != null;
      });
      assertEquals(servers, running(next));
    } finally {
      watch.interrupt();
      watch.join();
    }
    assertEquals(servers, haproxy.readyServers("ha.upone"));
    assertEquals(servers.size(), fewest.get(), "no server left HAProxy during the failover");
    Map<String, Long> after = haproxy.sinceLastChange("ha.upone");
    assertEquals(since.keySet(), after.keySet(), "the same servers, none re-added");
    for (String s : since.keySet()) assertTrue(after.get(s) >= since.get(s), s + " changed state during the failover");
  }
}
