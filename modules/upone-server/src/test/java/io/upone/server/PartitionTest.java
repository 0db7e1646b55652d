package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.agent.Agent;
import io.upone.agent.AgentConfig;
import io.upone.agent.exec.ProcessExecutor;
import io.upone.core.driver.Resources;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real partition of a 3-member group with two native agents (issue 13, fencing): the leader is
 * cut off from the two other members while the agents and the test still reach it. The two
 * elect a new leader, which scales the app and kills a task. The deposed leader commits nothing
 * (its API answers errors), no process runs that the new leader's log does not hold, no task
 * runs twice, and once the partition heals it follows the new leader with the same log (equal
 * state hashes at one event index on every member). See {@link NetnsGroup} for how the
 * partition is made (network namespaces; SIGSTOP where those cannot be made).
 */
class PartitionTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String APP = "/part/web";
  @TempDir Path dir;
  private final String marker = "upone-part-" + UUID.randomUUID();
  private NetnsGroup group;
  private final List<Vertx> agentVertx = new ArrayList<>();
  private final List<Agent> agents = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    Exception first = null;
    for (Vertx v : agentVertx) {
      try {
        v.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        first = e;
      }
    }
    if (group != null) {
      try {
        group.close();
      } catch (Exception e) {
        if (first == null) first = e;
        else first.addSuppressed(e);
      }
    }
    Procs.cleanUp(marker);
    // the marked shells are gone; their children (the tasks' sleeps) are ended with their groups
    for (String name : List.of("a", "b")) Procs.endGroupsUnder(dir.resolve("agent-" + name));
    if (first != null) throw first;
  }

  @Test
  void aDeposedLeaderCommitsAndLaunchesNothingAndRejoinsWithTheSameLog() throws Exception {
    // -Dupone.partition=pause runs the fallback on a machine that could make namespaces
    String unsupported = "pause".equals(System.getProperty("upone.partition")) ? "asked for by -Dupone.partition=pause"
        : NetnsGroup.unsupported();
    if (unsupported != null) {
      System.out.println("PartitionTest: no network namespaces here (" + unsupported + "): the partition is a SIGSTOP of the leader");
    }
    group = new NetnsGroup(dir.resolve("group"), unsupported == null);
    group.start();
    int old = awaitLeader(Set.of(0, 1, 2), 0);
    long oldTerm = cluster(old).getLong("term");
    for (String name : List.of("a", "b")) startAgent(name);
    await("both agents registered with the leader", () -> agentCount(old) == 2);

    TestNode.Resp created = group.call(old, "POST", "/v1/apps", "{\"id\": \"" + APP + "\", \"cmd\": \"sleep 600; true # "
        + marker + "\", \"instances\": 2, \"cpus\": 0.1, \"mem\": 16}");
    assertEquals(201, created.status(), created.body());
    await("2 tasks running", () -> running(old).size() == 2 && livePids().size() == 2);

    // the partition: from here on the old leader cannot reach a quorum
    group.isolate(old);
    long cutAt = System.nanoTime();
    CompletableFuture<TestNode.Resp> deposedWrite = CompletableFuture.supplyAsync(() ->
        group.call(old, "PUT", "/v1/apps" + APP + "/instances", "{\"instances\": 5}"));
    Set<Integer> rest = new HashSet<>(Set.of(0, 1, 2));
    rest.remove(old);
    int next = awaitLeader(rest, oldTerm + 1);
    long newTerm = cluster(next).getLong("term");
    long electedMs = (System.nanoTime() - cutAt) / 1_000_000;
    await("both agents registered with the new leader", () -> agentCount(next) == 2);

    // the new leader acts: one more instance, and one task killed (and replaced)
    assertEquals(200, group.call(next, "PUT", "/v1/apps" + APP + "/instances", "{\"instances\": 3}").status());
    String victim = running(next).get(0);
    TestNode.Resp killed = group.call(next, "DELETE", "/v1/tasks/" + victim, null);
    assertEquals(202, killed.status(), killed.body());
    await("3 tasks running under the new leader, the killed one not among them", () -> {
      List<String> r = running(next);
      return r.size() == 3 && !r.contains(victim) && liveTaskIds().equals(new HashSet<>(r));
    });

    TestNode.Resp w = deposedWrite.get(60, TimeUnit.SECONDS);
    assertFalse(w.status() >= 200 && w.status() < 300, "the deposed leader's write must not succeed: " + w.status() + " " + w.body());
    System.out.printf("PartitionTest (%s): new leader in term %d (was %d) %d ms after the cut; the deposed leader's write: %d %s%n",
        group.netns ? "network namespaces" : "SIGSTOP", newTerm, oldTerm, electedMs, w.status(), w.body());
    if (group.netns) {
      // still cut off, it knows it no longer leads, and refuses (or cannot forward) writes
      await("the deposed leader stepped down", () -> !"leader".equals(cluster(old).getString("role")));
      TestNode.Resp again = group.call(old, "PUT", "/v1/apps" + APP + "/instances", "{\"instances\": 6}");
      assertFalse(again.status() >= 200 && again.status() < 300, "write during the partition: " + again.status() + " " + again.body());
      String other = liveTaskIds().iterator().next();
      TestNode.Resp kill = group.call(old, "DELETE", "/v1/tasks/" + other, null);
      assertFalse(kill.status() >= 200 && kill.status() < 300, "kill during the partition: " + kill.status() + " " + kill.body());
    }
    for (Agent a : agents) {
      assertTrue(a.leaderTerm() >= newTerm, "agents follow the new term (" + newTerm + ") and refuse older ones: " + a.leaderTerm());
    }

    group.heal();
    await("the old leader follows the new one", () -> {
      JsonObject c = cluster(old);
      return c != null && "follower".equals(c.getString("role")) && c.getJsonObject("leader") != null
          && !group.raft(old).equals(c.getJsonObject("leader").getString("raft"));
    });
    int leader = awaitLeader(Set.of(0, 1, 2), newTerm);
    long index = cluster(leader).getLong("lastEventIndex");
    Map<Integer, String> hashes = new HashMap<>();
    await("every member applied event " + index, () -> {
      for (int m = 0; m < 3; m++) {
        TestNode.Resp h = group.call(m, "GET", "/v1/cluster/state-hash?index=" + index, null);
        if (h.status() != 200) return false;
        hashes.put(m, h.json().getString("hash"));
      }
      return true;
    });
    assertEquals(1, new HashSet<>(hashes.values()).size(), "the same state at event " + index + ": " + hashes);
    TestNode.Resp app = group.call(old, "GET", "/v1/apps" + APP, null);
    assertEquals(3, app.json().getInteger("instances"), "the deposed leader's write never reached the log: " + app.body());

    // nothing the deposed leader held runs beside what the log holds, and no task runs twice
    List<String> finalRunning = running(leader);
    assertEquals(3, finalRunning.size());
    assertEquals(new HashSet<>(finalRunning), liveTaskIds());
    assertEquals(3, livePids().size(), "one process per task");
  }

  private void startAgent(String name) throws Exception {
    AgentConfig ac = new AgentConfig(group.masters(), Resources.parse("cpus:2;mem:1024;disk:1000;ports:[21000-21099]"),
        Map.of("rack", name), dir.resolve("agent-" + name), "part-" + name, group.hostIp(), 0, 200, 1 << 20);
    Vertx v = Vertx.vertx();
    agentVertx.add(v);
    Agent a = new Agent(ac, new ProcessExecutor()); // its task processes are ended by marker after the test
    v.deployVerticle(a).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    agents.add(a);
  }

  private void await(String what, java.util.function.BooleanSupplier cond) throws InterruptedException {
    try {
      TestNode.await(what, WAIT, cond);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + group.logs(), e);
    }
  }

  /** The member of {@code among} that leads in {@code minTerm} or later, once one says so. */
  private int awaitLeader(Set<Integer> among, long minTerm) throws InterruptedException {
    int[] found = {-1};
    await("a leader among members " + among + " in term " + minTerm + " or later", () -> {
      for (int m : among) {
        JsonObject c = cluster(m);
        if (c != null && "leader".equals(c.getString("role")) && c.getLong("term") >= minTerm) {
          found[0] = m;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  private JsonObject cluster(int member) {
    TestNode.Resp r = group.call(member, "GET", "/v1/cluster", null);
    return r.status() == 200 ? r.json() : null;
  }

  private int agentCount(int member) {
    TestNode.Resp r = group.call(member, "GET", "/v1/agents", null);
    return r.status() == 200 ? r.json().getJsonArray("agents").size() : -1;
  }

  /** The ids of the app's RUNNING tasks in {@code member}'s view. */
  private List<String> running(int member) {
    TestNode.Resp r = group.call(member, "GET", "/v1/tasks", null);
    if (r.status() != 200) return List.of();
    return r.json().getJsonArray("tasks").stream().map(o -> (JsonObject) o)
        .filter(t -> APP.equals(t.getString("appId")) && "TASK_RUNNING".equals(t.getString("state")))
        .map(t -> t.getString("id")).toList();
  }

  /** The task processes alive on this machine (their command lines carry the marker). */
  private List<Long> livePids() {
    return Procs.pids(marker).stream().filter(p -> !cwd(p).isEmpty()).toList();
  }

  /** The task ids of the live task processes (their sandbox directories); an id twice would fail the set's size. */
  private Set<String> liveTaskIds() {
    List<String> ids = livePids().stream().map(this::cwd).filter(c -> c.contains("/sandboxes/"))
        .map(c -> c.substring(c.lastIndexOf('/') + 1)).toList();
    Set<String> set = new HashSet<>(ids);
    return set.size() == ids.size() ? set : Set.of("a task runs twice: " + ids.stream().collect(Collectors.joining(",")));
  }

  private String cwd(long pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd")).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return "";
    }
  }
}
