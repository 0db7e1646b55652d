package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.server.config.SchedulerConfig;
import io.upone.server.config.ServerConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment survives its leader: a 3-node group and two agents that know every node; the
 * leader is stopped while a rolling deployment replaces tasks one at a time. The new leader
 * continues where the log says, the deployment ends, and exactly the app's instances run:
 * no task of either version was started twice or left behind.
 */
class DeploymentFailoverTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  @TempDir Path dir;
  final List<TestNode> nodes = new ArrayList<>();
  TestAgents agents;
  final String marker = "upone-test-" + UUID.randomUUID();

  @AfterEach
  void stop() throws Exception {
    if (agents != null) agents.close();
    TestNode.closeAll(nodes);
    Procs.cleanUp(marker);
  }

  private String app(Path script, String version) {
    return "{\"id\": \"/ha/web\", \"cmd\": \"exec python3 " + script + " " + version + " $PORT0 " + marker + "\","
        + " \"cpus\": 0.1, \"mem\": 32, \"instances\": 4, \"taskKillGracePeriodSeconds\": 3,"
        + " \"healthChecks\": [{\"protocol\": \"HTTP\", \"path\": \"/health\", \"gracePeriodSeconds\": 30,"
        + " \"intervalSeconds\": 2, \"timeoutSeconds\": 1, \"maxConsecutiveFailures\": 3, \"delaySeconds\": 0}],"
        + " \"upgradeStrategy\": {\"minimumHealthCapacity\": 1, \"maximumOverCapacity\": 0.25}}";
  }

  private static long healthyAt(TestNode n, long version) {
    JsonArray tasks = n.get("/v1/apps/ha/web/tasks").json().getJsonArray("tasks");
    return tasks.stream().map(o -> (JsonObject) o).filter(t -> t.getLong("version") >= version
        && "TASK_RUNNING".equals(t.getString("state")) && Boolean.TRUE.equals(t.getBoolean("healthy"))).count();
  }

  @Test
  void theNewLeaderFinishesTheDeploymentWithNoTaskStartedTwice() throws Exception {
    Path script = dir.resolve("versioned-server.py");
    try (InputStream in = getClass().getResourceAsStream("/versioned-server.py")) {
      Files.copy(in, script);
    }
    for (ServerConfig c : TestNode.group(dir)) {
      nodes.add(new TestNode(c.withScheduler(SchedulerConfig.defaults().withAgentTimeout(200, 5000))));
    }
    for (TestNode n : nodes) n.start();
    TestNode first = TestNode.leaderOf(nodes);
    agents = new TestAgents(dir);
    String masters = nodes.stream().map(TestNode::url).collect(Collectors.joining(","));
    agents.start(masters, "a", "cpus:8;mem:8192;disk:1000;ports:[30600-30699]");
    agents.start(masters, "b", "cpus:8;mem:8192;disk:1000;ports:[30700-30799]");
    TestNode.await("agents registered", WAIT, () -> first.get("/v1/agents").status() == 200
        && first.get("/v1/agents").json().getJsonArray("agents").size() == 2);
    assertEquals(201, first.post("/v1/apps", app(script, "v1")).status());
    TestNode.await("4 healthy tasks", WAIT, () -> healthyAt(first, 1) == 4);

    TestNode.Resp r = first.put("/v1/apps/ha/web", app(script, "v2"));
    assertEquals(200, r.status(), r.body());
    long target = r.json().getLong("version");
    // one task at a time: stop the leader once the first new task is healthy, mid-way
    TestNode.await("a first new task healthy", WAIT, () -> healthyAt(first, target) >= 1);
    first.stop();
    TestNode next = TestNode.leaderOf(nodes);
    TestNode.await("the deployment ended under the new leader", WAIT, () -> {
      JsonArray all = next.get("/v1/deployments?all=true").json().getJsonArray("deployments");
      return !all.isEmpty() && "succeeded".equals(all.getJsonObject(all.size() - 1).getString("outcome"));
    });
    TestNode.await("4 healthy new tasks", WAIT, () -> healthyAt(next, target) == 4);
    TestNode.await("the old tasks gone, only the four new ones left", WAIT,
        () -> next.get("/v1/apps/ha/web/tasks").json().getJsonArray("tasks").size() == 4);
    TestNode.await("exactly the four task processes run", WAIT, () -> Procs.pids(marker).size() == 4);
    String events = next.get("/v1/events?from=1&follow=false").body();
    long launchedV2 = events.lines().filter(l -> l.contains("\"taskLaunched\"") && l.contains("\"appVersion\":\"" + target + "\""))
        .count();
    assertTrue(launchedV2 >= 4, "at least one launch per instance of the new version: " + launchedV2);
    first.start(); // back as a follower: the group agrees on the end
    TestNode.await("the old leader caught up, state equal", WAIT,
        () -> next.server.log().state().hash().equals(first.server.log().state().hash()));
  }
}
