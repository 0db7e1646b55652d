package io.upone.server;

import static io.upone.server.SimMasters.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.proto.TaskState;
import io.upone.core.state.Task;
import io.upone.mesos.sim.SimMaster;
import io.upone.mesos.sim.SimOptions;
import io.upone.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * upone as a Mesos framework of the simulated master: apps reach RUNNING, a lost agent's tasks
 * are replaced elsewhere, a restarted upone resubscribes as the same framework and duplicates
 * nothing, a dropped stream is reconnected without loss, and a teardown starts a new framework.
 * The log (upone's view) and the master (Mesos's view) must agree task for task.
 */
class MesosEndToEndTest {
  private static final Duration T = Duration.ofSeconds(60);
  @TempDir Path dir;
  private Vertx vertx;
  private SimMaster sim;

  @BeforeEach
  void startMaster() {
    vertx = Vertx.vertx();
    sim = join(SimMaster.start(vertx, SimOptions.forTests(5)));
  }

  @AfterEach
  void stopMaster() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private ServerConfig config() {
    return ServerConfig.single(dir.resolve("node"), TestNode.freePort(), TestNode.freePort())
        .withMesos(SimMasters.mesos(sim).withName("upone-e2e"));
  }

  private static Map<String, Task> running(TestNode node, String appId) {
    return node.server.log().state().tasksOf(appId).stream().filter(t -> t.state() == TaskState.TASK_RUNNING)
        .collect(Collectors.toMap(Task::id, t -> t));
  }

  private String frameworkId() {
    return SimMasters.connectedFrameworkId(sim);
  }

  /** upone's live tasks of the app are exactly the framework's live tasks in the master. */
  private void assertAgree(TestNode node, String appId, int instances) throws InterruptedException {
    TestNode.await(instances + " running, as the master sees them", T, () -> {
      Map<String, String> master = join(sim.liveTasks(frameworkId()));
      Map<String, Task> ours = running(node, appId);
      return ours.size() == instances && master.keySet().equals(ours.keySet())
          && node.server.log().state().tasksOf(appId).size() == instances
          && reachable(join(sim.taskCounts(frameworkId()))).equals(Map.of("TASK_RUNNING", instances));
    });
  }

  /** Tasks on an unreachable agent stay listed by Mesos until the agent returns; upone has replaced them. */
  private static Map<String, Integer> reachable(Map<String, Integer> counts) {
    Map<String, Integer> out = new java.util.HashMap<>(counts);
    out.remove("TASK_UNREACHABLE");
    return out;
  }

  @Test
  void fiftyInstancesRunAndALostAgentsTasksAreReplacedElsewhere() throws Exception {
    try (TestNode node = new TestNode(config()).startReady()) {
      assertEquals(201, node.post("/v1/apps", "{\"id\": \"/web\", \"cmd\": \"sleep 1000\", \"instances\": 50, "
          + "\"cpus\": 0.1, \"mem\": 32}").status());
      assertAgree(node, "/web", 50);
      JsonObject fw = node.get("/v1/framework").json();
      assertEquals("mesos", fw.getString("mode"));
      assertEquals(frameworkId(), fw.getString("frameworkId"));
      assertEquals(frameworkId(), node.server.log().state().frameworkId(), "the framework id is in the log");
      String metrics = node.get("/metrics").body();
      assertTrue(metrics.contains("upone_mesos_subscribed 1.0"), "subscription in /metrics");
      assertTrue(metrics.contains("upone_mesos_tasks_launched 50.0"), "launches in /metrics");

      Map<String, Long> perAgent = running(node, "/web").values().stream()
          .collect(Collectors.groupingBy(Task::agentId, Collectors.counting()));
      assertEquals(5, perAgent.size(), "spread over every agent");
      String victim = perAgent.keySet().iterator().next();
      Set<String> before = running(node, "/web").keySet();
      int onVictim = join(sim.removeAgent(victim, false));
      assertEquals(perAgent.get(victim).intValue(), onVictim);

      assertAgree(node, "/web", 50);
      assertEquals(onVictim, join(sim.taskCounts(frameworkId())).get("TASK_UNREACHABLE"));
      assertTrue(running(node, "/web").values().stream().noneMatch(t -> t.agentId().equals(victim)));
      long kept = running(node, "/web").keySet().stream().filter(before::contains).count();
      assertEquals(50 - onVictim, kept, "only the lost agent's tasks were replaced");

      // the agent comes back with its old tasks: they were replaced, so upone kills them (no duplicates)
      join(sim.restoreAgent(victim));
      TestNode.await("the returning tasks killed", T, () -> !join(sim.taskCounts(frameworkId())).containsKey("TASK_UNREACHABLE")
          && join(sim.liveTasks(frameworkId())).size() == 50);
      assertAgree(node, "/web", 50);
    }
  }

  @Test
  void aRestartedSchedulerResubscribesAsTheSameFrameworkAndDuplicatesNothing() throws Exception {
    ServerConfig cfg = config();
    String fw;
    Set<String> tasks;
    try (TestNode node = new TestNode(cfg).startReady()) {
      assertEquals(201, node.post("/v1/apps", "{\"id\": \"/api\", \"cmd\": \"sleep 1000\", \"instances\": 20, "
          + "\"cpus\": 0.2, \"mem\": 64}").status());
      assertAgree(node, "/api", 20);
      fw = frameworkId();
      tasks = running(node, "/api").keySet();
    }
    TestNode.await("the master to see the scheduler gone", T, () -> !join(sim.isConnected(fw)));
    long reconcilesBefore = sim.calls(Call.Type.RECONCILE);
    long acceptsBefore = sim.calls(Call.Type.ACCEPT);
    try (TestNode again = new TestNode(cfg).startReady()) {
      TestNode.await("resubscribed", T, () -> join(sim.isConnected(fw)));
      assertEquals(1, join(sim.frameworkIds()).size(), "no second framework");
      TestNode.await("reconciled", T, () -> sim.calls(Call.Type.RECONCILE) > reconcilesBefore);
      assertAgree(again, "/api", 20);
      assertEquals(tasks, running(again, "/api").keySet(), "the same tasks, none relaunched");
      assertEquals(acceptsBefore, sim.calls(Call.Type.ACCEPT), "nothing launched again");
      assertEquals(fw, again.get("/v1/framework").json().getString("frameworkId"));
    }
  }

  @Test
  void anAgentLostWhileUponeIsDownIsFoundUnreachableReplacedAndGivenUp() throws Exception {
    ServerConfig cfg = config().withScheduler(io.upone.server.config.SchedulerConfig.defaults().withUnreachableExpunge(1500));
    String fw;
    String victim;
    Set<String> onVictim;
    try (TestNode node = new TestNode(cfg).startReady()) {
      assertEquals(201, node.post("/v1/apps", "{\"id\": \"/u\", \"cmd\": \"sleep 1000\", \"instances\": 10, "
          + "\"cpus\": 0.1, \"mem\": 32}").status());
      assertAgree(node, "/u", 10);
      fw = frameworkId();
      victim = running(node, "/u").values().iterator().next().agentId();
      String v = victim;
      onVictim = running(node, "/u").values().stream().filter(t -> t.agentId().equals(v)).map(Task::id)
          .collect(Collectors.toSet());
    }
    TestNode.await("the master to see the scheduler gone", T, () -> !join(sim.isConnected(fw)));
    // the agent goes while no scheduler listens: no FAILURE reaches upone, only reconciliation will tell
    assertEquals(onVictim.size(), join(sim.removeAgent(victim, false)).intValue());
    try (TestNode again = new TestNode(cfg).startReady()) {
      TestNode.await("resubscribed", T, () -> join(sim.isConnected(fw)));
      assertAgree(again, "/u", 10);
      assertTrue(running(again, "/u").values().stream().noneMatch(t -> t.agentId().equals(victim)));
      // past the expunge delay the unreachable tasks are given up: LOST in the log, killed in Mesos
      TestNode.await("unreachable tasks expunged", T, () -> !join(sim.taskCounts(fw)).containsKey("TASK_UNREACHABLE")
          && again.server.log().state().tasksOf("/u").stream().noneMatch(t -> onVictim.contains(t.id())));
      assertAgree(again, "/u", 10);
    }
  }

  @Test
  void aDroppedStreamIsResubscribedWithoutLoss() throws Exception {
    try (TestNode node = new TestNode(config()).startReady()) {
      assertEquals(201, node.post("/v1/apps", "{\"id\": \"/w\", \"cmd\": \"sleep 1000\", \"instances\": 10, "
          + "\"cpus\": 0.1, \"mem\": 32}").status());
      assertAgree(node, "/w", 10);
      String fw = frameworkId();
      Set<String> before = running(node, "/w").keySet();
      assertEquals(1, join(sim.dropStreams()));
      assertEquals(200, node.put("/v1/apps/w/instances", "{\"instances\": 15}").status());
      TestNode.await("resubscribed", T, () -> join(sim.isConnected(fw)));
      assertAgree(node, "/w", 15);
      assertTrue(running(node, "/w").keySet().containsAll(before), "no task lost across the reconnect");
      assertEquals(1, join(sim.frameworkIds()).size());
    }
  }

  @Test
  void teardownEndsTheFrameworkAndAppsStartAgainUnderANewOne() throws Exception {
    try (TestNode node = new TestNode(config()).startReady()) {
      assertEquals(201, node.post("/v1/apps", "{\"id\": \"/t\", \"cmd\": \"sleep 1000\", \"instances\": 4, "
          + "\"cpus\": 0.1, \"mem\": 32}").status());
      assertAgree(node, "/t", 4);
      String old = frameworkId();
      Set<String> before = running(node, "/t").keySet();
      TestNode.Resp r = node.post("/v1/framework/teardown", "");
      assertEquals(202, r.status(), r.body());
      assertEquals(old, r.json().getString("tornDown"));
      TestNode.await("the old framework removed", T, () -> join(sim.isRemoved(old)));
      TestNode.await("a new framework", T, () -> !frameworkId().isEmpty() && !frameworkId().equals(old));
      assertAgree(node, "/t", 4);
      assertTrue(running(node, "/t").keySet().stream().noneMatch(before::contains), "all tasks started anew");
      assertNotEquals(old, node.server.log().state().frameworkId());
    }
  }

  @Test
  void nativeModeHasNoFrameworkToTearDown() throws Exception {
    try (TestNode node = TestNode.single(dir).startReady()) {
      TestNode.Resp r = node.post("/v1/framework/teardown", "");
      assertEquals(409, r.status());
      assertEquals("not_mesos_mode", r.json().getString("code"));
      assertEquals("native", node.get("/v1/framework").json().getString("mode"));
    }
  }
}
