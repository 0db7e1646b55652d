package io.upone.server;

import static io.upone.server.SimMasters.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.proto.TaskState;
import io.upone.core.state.Task;
import io.upone.mesos.sim.SimMaster;
import io.upone.mesos.sim.SimOptions;
import io.upone.server.config.ServerConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst larger than the offers it lands on is placed a chunk of offers at a time, each chunk's
 * launches written and accepted before the next is placed: the tasks must still spread evenly over
 * every agent (later chunks do not pile up), each launched exactly once, the log and the master
 * agreeing task for task.
 */
class MesosBurstTest {
  private static final Duration T = Duration.ofSeconds(90);
  private static final int AGENTS = 60;
  @TempDir Path dir;
  private Vertx vertx;
  private SimMaster sim;

  @BeforeEach
  void startMaster() {
    vertx = Vertx.vertx();
    sim = join(SimMaster.start(vertx, SimOptions.forTests(AGENTS)));
  }

  @AfterEach
  void stopMaster() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private String frameworkId() {
    return SimMasters.connectedFrameworkId(sim);
  }

  @Test
  void aBurstOverManyOffersSpreadsEvenlyAndLaunchesEachTaskOnce() throws Exception {
    ServerConfig cfg = ServerConfig.single(dir.resolve("node"), TestNode.freePort(), TestNode.freePort())
        .withMesos(SimMasters.mesos(sim).withName("upone-burst"));
    int instances = AGENTS * 4;
    try (TestNode node = new TestNode(cfg).startReady()) {
      assertEquals(201, node.post("/v1/apps", "{\"id\": \"/burst\", \"cmd\": \"sleep 1000\", \"instances\": " + instances
          + ", \"cpus\": 0.1, \"mem\": 32}").status());
      TestNode.await(instances + " running in the log and in the master", T, () -> {
        Map<String, String> master = join(sim.liveTasks(frameworkId()));
        Map<String, Task> ours = node.server.log().state().tasksOf("/burst").stream()
            .filter(t -> t.state() == TaskState.TASK_RUNNING).collect(Collectors.toMap(Task::id, t -> t));
        return ours.size() == instances && master.keySet().equals(ours.keySet())
            && join(sim.taskCounts(frameworkId())).equals(Map.of("TASK_RUNNING", instances));
      });
      assertEquals(instances, node.server.log().state().tasksOf("/burst").size(), "no task launched twice");
      Map<String, Long> perAgent = node.server.log().state().tasksOf("/burst").stream()
          .collect(Collectors.groupingBy(Task::agentId, Collectors.counting()));
      assertEquals(AGENTS, perAgent.size(), "every agent has a share");
      assertEquals(Map.of(4L, (long) AGENTS), perAgent.values().stream()
          .collect(Collectors.groupingBy(n -> n, Collectors.counting())), "4 on each agent, none piled up");
      String metrics = node.get("/metrics").body();
      assertTrue(metrics.contains("upone_mesos_tasks_launched " + instances + ".0"), "each launch accepted once");
    }
  }
}
