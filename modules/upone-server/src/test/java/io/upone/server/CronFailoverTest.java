package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.server.config.ServerConfig;
import io.upone.server.config.SchedulerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exactly-once promise under failover: a 3-node group and one agent that knows all three
 * nodes run a job every second while the leader is stopped again and again. Every instant of the
 * window must have run exactly once, counted from what the processes themselves wrote.
 */
class CronFailoverTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int LEADER_STOPS = 5;
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

  private TestNode leader() throws InterruptedException {
    return TestNode.leaderOf(nodes);
  }

  private List<Long> recorded(Path f) {
    try {
      if (!Files.exists(f)) return List.of();
      return Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void everyInstantRunsExactlyOnceWhileTheLeaderKeepsDying() throws Exception {
    for (ServerConfig c : TestNode.group(dir)) {
      nodes.add(new TestNode(c.withScheduler(SchedulerConfig.defaults().withAgentTimeout(200, 5000))));
    }
    for (TestNode n : nodes) n.start();
    TestNode first = leader();
    agents = new TestAgents(dir);
    agents.start(nodes.stream().map(TestNode::url).collect(Collectors.joining(",")), "a",
        "cpus:8;mem:8192;disk:1000;ports:[32000-32099]");
    TestNode.await("agent registered", WAIT, () -> first.get("/v1/agents").status() == 200
        && first.get("/v1/agents").json().getJsonArray("agents").size() == 1);

    Path out = dir.resolve("runs.txt");
    String cmd = "echo $UPONE_SCHEDULED_MS >> " + out + " # " + marker;
    TestNode.Resp created = first.post("/v1/jobs", "{\"id\": \"/ha/tick\", \"schedule\": \"* * * * * ?\", \"cmd\": \""
        + cmd + "\", \"cpus\": 0.05, \"mem\": 8, \"concurrencyPolicy\": \"ALLOW\"}");
    assertEquals(201, created.status(), created.body());

    for (int i = 0; i < LEADER_STOPS; i++) {
      int before = recorded(out).size();
      TestNode.await("runs before stop " + i, WAIT, () -> recorded(out).size() >= before + 4);
      TestNode leader = leader();
      leader.stop();
      TestNode next = leader();
      TestNode.await("runs under the new leader", WAIT, () -> recorded(out).size() >= before + 6);
      leader.start(); // back as a follower, so the next stop still leaves a majority
      assertTrue(next.server != null);
    }
    TestNode last = leader();
    assertEquals(200, last.post("/v1/jobs/ha/tick/suspend", "").status());
    TestNode.await("no run left active", WAIT,
        () -> last.get("/v1/jobs/ha/tick/runs").json().getJsonArray("active").isEmpty());

    List<Long> runs = recorded(out);
    Map<Long, Integer> counts = new TreeMap<>();
    for (long t : runs) counts.merge(t, 1, Integer::sum);
    Map<Long, Integer> twice = new HashMap<>();
    counts.forEach((t, n) -> {
      if (n > 1) twice.put(t, n);
    });
    assertEquals(Map.of(), twice, "instants that ran more than once");
    long from = runs.stream().mapToLong(Long::longValue).min().orElseThrow();
    long to = runs.stream().mapToLong(Long::longValue).max().orElseThrow();
    List<Long> skipped = new ArrayList<>();
    for (long t = from; t <= to; t += 1000) if (!counts.containsKey(t)) skipped.add(t);
    assertEquals(List.of(), skipped, "instants inside the window that never ran");
    assertTrue(counts.size() >= 30, "the window spans at least 30 instants: " + counts.size());
  }
}
