package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.upone.core.proto.Event;
import io.upone.core.proto.RunState;
import io.upone.core.proto.TaskState;
import io.upone.server.config.SchedulerConfig;
import io.upone.server.config.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader-kill scenario of issue 13 (`make chaos` runs it with many kills, `make test` with
 * {@value #DEFAULT_KILLS}): three nodes, two agents that know every node, an app scaled down
 * right after each kill (before agents re-register) and up again, and two per-second cron jobs
 * (ALLOW and FORBID, one retry each) whose processes write down their instant. Every kill stops
 * the leader, takes the first accepted write and the first launch under the new leader, then
 * brings the old leader back as a follower. At the end it prints, and asserts: no lost running
 * task, no duplicate task, no cron instant run twice or never, no run failed that succeeded, and
 * no process beyond what the log wants. Set {@code -Dchaos.kills=N} for more kills.
 */
class ChaosTest {
  static final int DEFAULT_KILLS = 2;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int HIGH = 4;
  private static final int LOW = 2;
  @TempDir Path dir;
  final List<TestNode> nodes = new ArrayList<>();
  TestAgents agents;
  final String marker = "upone-chaos-" + UUID.randomUUID();
  final String appMarker = marker + "-web";

  @AfterEach
  void stop() throws Exception {
    if (agents != null) agents.close();
    TestNode.closeAll(nodes);
    Procs.cleanUp(marker);
  }

  private TestNode leader() throws InterruptedException {
    return TestNode.leaderOf(nodes);
  }

  private static List<Long> lines(Path f) {
    try {
      if (!Files.exists(f)) return List.of();
      return Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private String job(String id, String policy, Path out) {
    String cmd = "echo $UPONE_SCHEDULED_MS >> " + out + " # " + marker;
    return "{\"id\": \"" + id + "\", \"schedule\": \"* * * * * ?\", \"cmd\": \"" + cmd + "\", \"cpus\": 0.05, \"mem\": 8,"
        + " \"concurrencyPolicy\": \"" + policy + "\", \"retries\": 1, \"retryBackoffSeconds\": 1}";
  }

  /** Sends until a node answers 200 (no leader yet, or the request raced the election: again). */
  private static long scale(List<TestNode> to, int instances) throws InterruptedException {
    int[] k = {0};
    TestNode.await("scale to " + instances, WAIT, () -> {
      TestNode n = to.get(k[0]++ % to.size());
      if (n.server == null) return false;
      return n.put("/v1/apps/chaos/web/instances", "{\"instances\": " + instances + "}").status() == 200;
    });
    return System.nanoTime();
  }

  private static int running(TestNode n) {
    TestNode.Resp r = n.get("/v1/apps/chaos/web/tasks");
    if (r.status() != 200) return -1;
    int c = 0;
    for (Object o : r.json().getJsonArray("tasks")) if ("TASK_RUNNING".equals(((JsonObject) o).getString("state"))) c++;
    return c;
  }

  @Test
  void leaderKillsLoseAndDuplicateNothing() throws Exception {
    int kills = Integer.getInteger("chaos.kills", DEFAULT_KILLS);
    for (ServerConfig c : TestNode.group(dir)) {
      nodes.add(new TestNode(c.withScheduler(SchedulerConfig.defaults().withAgentTimeout(200, 5000))));
    }
    for (TestNode n : nodes) n.start();
    TestNode first = leader();
    String masters = nodes.stream().map(TestNode::url).collect(Collectors.joining(","));
    agents = new TestAgents(dir);
    agents.start(masters, "a", "cpus:8;mem:8192;disk:1000;ports:[31000-31099]");
    agents.start(masters, "b", "cpus:8;mem:8192;disk:1000;ports:[31100-31199]");
    TestNode.await("agents registered", WAIT, () -> {
      TestNode.Resp r = first.get("/v1/agents");
      return r.status() == 200 && r.json().getJsonArray("agents").size() == 2;
    });
    Path allow = dir.resolve("allow.txt");
    Path forbid = dir.resolve("forbid.txt");
    assertEquals(201, first.post("/v1/apps", "{\"id\": \"/chaos/web\", \"cmd\": \"sleep 600; true # " + appMarker
        + "\", \"cpus\": 0.1, \"mem\": 16, \"instances\": " + HIGH + "}").status());
    assertEquals(201, first.post("/v1/jobs", job("/chaos/allow", "ALLOW", allow)).status());
    assertEquals(201, first.post("/v1/jobs", job("/chaos/forbid", "FORBID", forbid)).status());

    List<Long> toWrite = new ArrayList<>();
    List<Long> toLaunch = new ArrayList<>();
    List<Long> catchUp = new ArrayList<>();
    for (int i = 0; i < kills; i++) {
      TestNode leader = leader();
      int before = lines(allow).size();
      TestNode.await("all instances running before kill " + i, WAIT, () -> running(leader) == HIGH);
      TestNode.await("cron runs before kill " + i, WAIT, () -> lines(allow).size() >= before + 2);

      long killedAt = System.nanoTime();
      Instant killedWall = Instant.now();
      leader.stop();
      List<TestNode> survivors = nodes.stream().filter(n -> n.server != null).toList();
      // scaled down at once: the new leader may not have its agents back yet (issue 13, "Why" 2)
      toWrite.add(scale(survivors, LOW) - killedAt);
      scale(survivors, HIGH);
      TestNode next = leader();
      TestNode.await("a launch under the new leader", WAIT, () -> {
        TestNode.Resp r = next.get("/v1/apps/chaos/web/tasks");
        if (r.status() != 200) return false;
        for (Object o : r.json().getJsonArray("tasks")) {
          if (Instant.parse(((JsonObject) o).getString("stagedAt")).isAfter(killedWall)) return true;
        }
        return false;
      });
      toLaunch.add(System.nanoTime() - killedAt);

      long restartAt = System.nanoTime();
      leader.start(); // back as a follower, so the next kill still leaves a majority
      long target = next.lastEventIndex();
      TestNode.await("the old leader catches up", WAIT, () -> leader.server != null && leader.lastEventIndex() >= target);
      catchUp.add(System.nanoTime() - restartAt);
    }

    TestNode last = leader();
    assertEquals(200, last.post("/v1/jobs/chaos/allow/suspend", "").status());
    assertEquals(200, last.post("/v1/jobs/chaos/forbid/suspend", "").status());
    for (String j : List.of("allow", "forbid")) {
      TestNode.await("no " + j + " run active", WAIT,
          () -> last.get("/v1/jobs/chaos/" + j + "/runs").json().getJsonArray("active").isEmpty());
    }
    TestNode.await("the app settled", WAIT, () -> running(last) == HIGH);
    // processes beyond what the log wants end once killed: wait for that, then count what is left
    try {
      TestNode.await("processes settle", WAIT, () -> Procs.pids(appMarker).size() == HIGH && Procs.pids(marker).size() == HIGH);
    } catch (AssertionError stillThere) {
      // counted and reported below
    }
    int extraProcesses = Math.max(0, Procs.pids(appMarker).size() - HIGH) + (Procs.pids(marker).size() - Procs.pids(appMarker).size());

    // what the log says happened
    List<Event> events = new ArrayList<>();
    for (long from = 1; ; ) {
      List<Event> page = last.server.log().read(from, 1000);
      if (page.isEmpty()) break;
      events.addAll(page);
      from = page.get(page.size() - 1).getIndex() + 1;
    }
    Set<String> wasRunning = new HashSet<>();
    int lostRunning = 0;
    int lostUnstarted = 0;
    Map<String, Set<Long>> missed = new HashMap<>();
    Map<String, Integer> falseFailed = new HashMap<>();
    for (Event e : events) {
      if (e.hasTaskStatusChanged()) {
        String t = e.getTaskStatusChanged().getTaskId();
        if (e.getTaskStatusChanged().getState() == TaskState.TASK_RUNNING) wasRunning.add(t);
        if (e.getTaskStatusChanged().getState() == TaskState.TASK_LOST) {
          if (wasRunning.contains(t)) lostRunning++;
          else lostUnstarted++;
        }
      } else if (e.hasJobRunMissed()) {
        missed.computeIfAbsent(e.getJobRunMissed().getJobId(), k -> new HashSet<>()).add(e.getJobRunMissed().getScheduledMs());
      } else if (e.hasJobRunFinished() && e.getJobRunFinished().getState() == RunState.RUN_FAILED) {
        falseFailed.merge(e.getJobRunFinished().getJobId(), 1, Integer::sum); // the command never fails
      }
    }
    int liveTasks = last.server.log().view().tasksOf("/chaos/web").size();
    int duplicateTasks = Math.max(0, liveTasks - HIGH);

    StringBuilder report = new StringBuilder();
    report.append(String.format("chaos: %d leader kills, 3 nodes, 2 agents, app of %d-%d instances, per-second cron ALLOW and FORBID%n",
        kills, LOW, HIGH));
    report.append(String.format("  tasks: %d LOST after running, %d LOST before starting (launches cut by the kill), %d duplicate, %d extra processes%n",
        lostRunning, lostUnstarted, duplicateTasks, extraProcesses));
    Map<String, int[]> cron = new HashMap<>();
    for (String j : List.of("allow", "forbid")) {
      int[] c = instants(lines(j.equals("allow") ? allow : forbid), missed.getOrDefault("/chaos/" + j, Set.of()));
      cron.put(j, c);
      report.append(String.format("  cron %-6s: %d instants ran, %d recorded missed, %d missing, %d duplicate, %d false-failed%n",
          j.toUpperCase(), c[0], c[1], c[2], c[3], falseFailed.getOrDefault("/chaos/" + j, 0)));
    }
    report.append("  leader kill -> first accepted write: ").append(figures(toWrite)).append('\n');
    report.append("  leader kill -> first launch:         ").append(figures(toLaunch)).append('\n');
    report.append("  restarted member caught up in:       ").append(figures(catchUp)).append('\n');
    System.out.print(report);
    Path out = Path.of("target", "chaos-report.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.toString());

    assertEquals(0, lostRunning, report.toString());
    assertEquals(0, duplicateTasks, report.toString());
    assertEquals(0, extraProcesses, report.toString());
    for (String j : List.of("allow", "forbid")) {
      assertEquals(0, cron.get(j)[3], "duplicate instants of " + j + "\n" + report);
      assertEquals(0, falseFailed.getOrDefault("/chaos/" + j, 0), "false-failed runs of " + j + "\n" + report);
    }
    assertEquals(0, cron.get("allow")[2], "ALLOW instants neither run nor recorded missed\n" + report);
  }

  /** {ran, recorded missed, missing (neither), duplicate} over the window of the instants that ran. */
  private static int[] instants(List<Long> ran, Set<Long> missed) {
    if (ran.isEmpty()) return new int[] {0, missed.size(), 0, 0};
    Map<Long, Integer> counts = new HashMap<>();
    for (long t : ran) counts.merge(t, 1, Integer::sum);
    long from = ran.stream().mapToLong(Long::longValue).min().orElseThrow();
    long to = ran.stream().mapToLong(Long::longValue).max().orElseThrow();
    int missing = 0;
    for (long t = from; t <= to; t += 1000) if (!counts.containsKey(t) && !missed.contains(t)) missing++;
    int dup = (int) counts.values().stream().filter(n -> n > 1).count();
    return new int[] {counts.size(), missed.size(), missing, dup};
  }

  private static String figures(List<Long> nanos) {
    List<Long> ms = nanos.stream().map(n -> n / 1_000_000).sorted().toList();
    if (ms.isEmpty()) return "-";
    return String.format("p50 %d ms, max %d ms (n=%d)", ms.get((ms.size() - 1) / 2), ms.get(ms.size() - 1), ms.size());
  }
}
