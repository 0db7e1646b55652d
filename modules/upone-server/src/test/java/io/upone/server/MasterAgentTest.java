package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.agent.Agent;
import io.upone.agent.AgentConfig;
import io.upone.agent.exec.ProcessExecutor;
import io.upone.core.driver.Resources;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Master-agent mode end to end: one upone node and two agents on loopback running real
 * processes. Every task's command carries a marker, so the test counts the processes themselves.
 */
class MasterAgentTest extends MasterWithAgents {
  @BeforeEach
  void start() throws Exception {
    startWithAgents("a", "cpus:4;mem:4096;disk:1000;ports:[32000-32099]", "b", "cpus:4;mem:4096;disk:1000;ports:[32100-32199]");
  }

  private Agent startAgent(String name, String resources) throws Exception {
    return agents.start(master.url(), name, resources);
  }

  private void silence(String name) throws Exception {
    agents.silence(name);
  }

  private String app(String id, int instances, String extra) {
    return sleepApp(id, instances, ", \"backoffSeconds\": 0.1" + extra);
  }

  private JsonArray tasks(String appId) {
    return master.get("/v1/apps" + appId + "/tasks").json().getJsonArray("tasks");
  }

  private long running(String appId) {
    return tasks(appId).stream().filter(t -> "TASK_RUNNING".equals(((JsonObject) t).getString("state"))).count();
  }

  private Set<String> taskIds(String appId) {
    return tasks(appId).stream().map(t -> ((JsonObject) t).getString("id")).collect(Collectors.toSet());
  }

  @Test
  void scaleZeroToThreeToOneWithRealProcesses() throws Exception {
    assertEquals(201, master.post("/v1/apps", app("/scale/web", 0, "")).status());
    assertEquals(0, tasks("/scale/web").size());
    assertEquals(200, master.put("/v1/apps/scale/web/instances", "{\"instances\": 3}").status());
    TestNode.await("3 running", WAIT, () -> running("/scale/web") == 3 && Procs.pids(marker).size() == 3);
    Set<String> hosts = new HashSet<>();
    tasks("/scale/web").forEach(t -> hosts.add(((JsonObject) t).getString("host")));
    assertEquals(Set.of("host-a", "host-b"), hosts, "instances are spread over both agents");
    // each task got its own port from its agent's range
    Set<Integer> ports = new HashSet<>();
    tasks("/scale/web").forEach(t -> ports.add(((JsonObject) t).getJsonArray("ports").getInteger(0)));
    assertEquals(3, ports.size());

    assertEquals(200, master.put("/v1/apps/scale/web/instances", "{\"instances\": 1}").status());
    TestNode.await("1 left", WAIT, () -> tasks("/scale/web").size() == 1 && Procs.pids(marker).size() == 1);
    assertEquals(1, running("/scale/web"));
  }

  @Test
  void aProcessKilledFromOutsideIsReplaced() throws Exception {
    assertEquals(201, master.post("/v1/apps", app("/heal/web", 2, "")).status());
    TestNode.await("2 running", WAIT, () -> running("/heal/web") == 2);
    Set<String> before = taskIds("/heal/web");
    String victim = before.iterator().next();
    long pid = agents.agents.values().stream().map(a -> a.runningPids().get(victim)).filter(p -> p != null).findFirst().orElseThrow();
    Procs.killGroup(pid);
    TestNode.await("a replacement", WAIT, () -> running("/heal/web") == 2 && !taskIds("/heal/web").contains(victim));
    TestNode.await("2 processes", WAIT, () -> Procs.pids(marker).size() == 2);
    // the failure is in the log
    String events = master.get("/v1/events?from=1&follow=false").body();
    assertTrue(events.contains(victim) && events.contains("TASK_FAILED"), "the failed task is recorded");
  }

  @Test
  void tasksOfASilentAgentAreLostAndMoveToTheOther() throws Exception {
    assertEquals(201, master.post("/v1/apps", app("/move/web", 2, "")).status());
    TestNode.await("2 running", WAIT, () -> running("/move/web") == 2);
    String lostAgent = agents.agents.get("a").agentId();
    TestNode.await("one task on each agent", WAIT, () -> tasks("/move/web").stream()
        .map(t -> ((JsonObject) t).getString("host")).collect(Collectors.toSet()).size() == 2);
    silence("a");
    TestNode.await("both on agent b", WAIT, () -> running("/move/web") == 2 && tasks("/move/web").stream()
        .allMatch(t -> "host-b".equals(((JsonObject) t).getString("host"))));
    assertEquals(1, master.get("/v1/agents").json().getJsonArray("agents").size());
    String events = master.get("/v1/events?from=1&follow=false").body();
    assertTrue(events.contains("agent_lost") && events.contains("TASK_LOST"), "LOST is recorded");
    assertNotEquals(lostAgent, agents.agents.get("b").agentId());
  }

  @Test
  void masterRestartKeepsAndReconcilesTasksWithoutDuplicates() throws Exception {
    assertEquals(201, master.post("/v1/apps", app("/keep/web", 3, "")).status());
    TestNode.await("3 running", WAIT, () -> running("/keep/web") == 3 && Procs.pids(marker).size() == 3);
    Set<String> before = taskIds("/keep/web");
    master.stop();
    master.start();
    TestNode.await("ready again", WAIT, () -> master.get("/health").status() == 200);
    TestNode.await("agents back", WAIT, () -> master.get("/v1/agents").json().getJsonArray("agents").size() == 2);
    TestNode.await("3 running", WAIT, () -> running("/keep/web") == 3);
    // give the lifecycle several ticks to (wrongly) launch more; it must not
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (System.nanoTime() < deadline) {
      assertEquals(before, taskIds("/keep/web"), "the same tasks, none added");
      assertEquals(3, Procs.pids(marker).size(), "no duplicate processes");
      Thread.onSpinWait();
    }
  }

  @Test
  void anOrphanTheLogDoesNotKnowIsKilled() throws Exception {
    Agent a = agents.agents.get("a");
    JsonArray launch = new JsonArray().add(new JsonObject().put("taskId", "ghost.1").put("appId", "/ghost")
        .put("cmd", "sleep 600; true # " + marker).put("cpus", 0.1).put("mem", 16));
    TestNode.Resp r = TestNode.request(a.url(), "POST", "/v1/tasks", launch.encode(), "application/json");
    assertEquals(202, r.status());
    TestNode.await("the orphan is killed", WAIT, () -> !a.runningPids().containsKey("ghost.1") && Procs.pids(marker).isEmpty());
    assertTrue(master.get("/v1/tasks").json().getJsonArray("tasks").isEmpty(), "nothing was added to the log");
  }

  @Test
  void deleteTaskWithScaleLowersInstancesAndWithoutScaleReplacesIt() throws Exception {
    assertEquals(201, master.post("/v1/apps", app("/del/web", 2, "")).status());
    TestNode.await("2 running", WAIT, () -> running("/del/web") == 2);
    String first = taskIds("/del/web").iterator().next();
    assertEquals(202, master.delete("/v1/tasks/" + first).status());
    TestNode.await("replaced", WAIT, () -> running("/del/web") == 2 && !taskIds("/del/web").contains(first));
    String second = taskIds("/del/web").iterator().next();
    assertEquals(202, master.delete("/v1/tasks/" + second + "?scale=true").status());
    TestNode.await("scaled to 1", WAIT, () -> tasks("/del/web").size() == 1 && Procs.pids(marker).size() == 1);
    assertEquals(1, master.get("/v1/apps/del/web").json().getInteger("instances"));
    assertEquals(404, master.delete("/v1/tasks/nope").status());
  }

  @Test
  void deletingAnAppEndsAllItsProcesses() throws Exception {
    assertEquals(201, master.post("/v1/apps", app("/gone/web", 3, "")).status());
    TestNode.await("3 running", WAIT, () -> Procs.pids(marker).size() == 3);
    assertEquals(200, master.delete("/v1/apps/gone/web").status());
    TestNode.await("all ended", WAIT, () -> Procs.pids(marker).isEmpty()
        && master.get("/v1/tasks").json().getJsonArray("tasks").isEmpty());
  }

  @Test
  void aRestartedAgentReattachesToItsRunningTasks() throws Exception {
    assertEquals(201, master.post("/v1/apps", app("/stay/web", 2, ", \"constraints\": [[\"hostname\", \"CLUSTER\", \"host-a\"]]")).status());
    TestNode.await("2 running on a", WAIT, () -> running("/stay/web") == 2);
    Set<String> before = taskIds("/stay/web");
    List<Long> pids = List.copyOf(agents.agents.get("a").runningPids().values());
    silence("a");
    startAgent("a", "cpus:4;mem:4096;disk:1000;ports:[32000-32099]");
    TestNode.await("re-attached", WAIT, () -> agents.agents.get("a").runningPids().size() == 2);
    assertEquals(Set.copyOf(pids), Set.copyOf(agents.agents.get("a").runningPids().values()), "the same processes");
    assertEquals(before, taskIds("/stay/web"));
    assertEquals(2, running("/stay/web"));
  }

  @Test
  void aLostAgentsTasksAreReplacedWithinTheBudgetAndTheRestKeptWhenItComesBack() throws Exception {
    // 4 tasks on agent a; the default lost-budget (0.5) lets 2 be written LOST per minute
    assertEquals(201, master.post("/v1/apps", app("/blip/web", 4, ", \"constraints\": [[\"hostname\", \"CLUSTER\", \"host-a\"]]")).status());
    TestNode.await("4 running on a", WAIT, () -> running("/blip/web") == 4);
    Set<String> before = taskIds("/blip/web");
    long from = master.lastEventIndex() + 1;
    silence("a");
    TestNode.await("the budget's share written LOST and an alert raised", WAIT,
        () -> lostOf(from).size() == 2 && !master.events(from, "alertRaised").isEmpty());
    JsonObject alert = master.events(from, "alertRaised").get(0).getJsonObject("alertRaised");
    assertEquals("lost_budget_exhausted", alert.getString("kind"), alert.encode());
    Set<String> held = new HashSet<>(before);
    held.removeAll(lostOf(from));
    assertEquals(2, held.size());

    // the blip ends: the agent comes back with every process; the held tasks go on, nothing more is lost
    startAgent("a", "cpus:4;mem:4096;disk:1000;ports:[32000-32099]");
    TestNode.await("4 running again", WAIT, () -> running("/blip/web") == 4 && taskIds("/blip/web").containsAll(held));
    assertEquals(2, lostOf(from).size(), "only the budget's share was given up");
    assertTrue(taskIds("/blip/web").containsAll(held), "the held tasks kept running");
  }

  /** Tasks written LOST since {@code from}. */
  private Set<String> lostOf(long from) {
    return master.events(from, "taskStatusChanged").stream().map(e -> e.getJsonObject("taskStatusChanged"))
        .filter(c -> "TASK_LOST".equals(c.getString("state"))).map(c -> c.getString("taskId")).collect(Collectors.toSet());
  }
}
