package io.upone.server;

import static io.upone.server.SimMasters.join;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.upone.core.proto.TaskState;
import io.upone.core.state.Task;
import io.upone.mesos.MesosConfig;
import io.upone.mesos.sim.SimMaster;
import io.upone.mesos.sim.SimOptions;
import io.upone.server.config.ServerConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-node upone group as one Mesos framework while its leader keeps being stopped: each new
 * leader resubscribes with the framework id from the log, and the master never holds more or
 * other tasks than upone's log says, whatever was in flight when a leader died.
 */
class MesosFailoverTest {
  private static final Duration T = Duration.ofSeconds(60);
  @TempDir Path dir;
  private final List<TestNode> nodes = new ArrayList<>();
  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    TestNode.closeAll(nodes);
    if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void everyLeaderResubscribesAsTheSameFrameworkAndNothingIsDuplicated() throws Exception {
    vertx = Vertx.vertx();
    SimMaster sim = join(SimMaster.start(vertx, SimOptions.forTests(6)));
    MesosConfig mesos = SimMasters.mesos(sim);
    for (ServerConfig c : TestNode.group(dir)) nodes.add(new TestNode(c.withMesos(mesos)));
    for (TestNode n : nodes) n.start();
    TestNode first = TestNode.leaderOf(nodes);
    TestNode.await("subscribed", T, () -> join(sim.frameworkIds()).size() == 1);
    String fw = join(sim.frameworkIds()).get(0);

    int instances = 12;
    assertEquals(201, first.post("/v1/apps", "{\"id\": \"/ha/web\", \"cmd\": \"sleep 1000\", \"instances\": 12, "
        + "\"cpus\": 0.1, \"mem\": 32}").status());
    for (int i = 0; i < 3; i++) {
      int want = instances;
      TestNode leader = TestNode.leaderOf(nodes);
      TestNode.await(want + " running before stop " + i, T, () -> agree(leader, sim, fw, want));
      // change the app and stop the leader at once: launches may be in flight
      instances += 6;
      assertEquals(200, leader.put("/v1/apps/ha/web/instances", "{\"instances\": " + instances + "}").status());
      leader.stop();
      TestNode next = TestNode.leaderOf(nodes);
      int now = instances;
      TestNode.await(now + " running under the new leader", T, () -> join(sim.isConnected(fw)) && agree(next, sim, fw, now));
      assertEquals(fw, next.server.log().state().frameworkId());
      leader.start(); // back as a follower
    }
    assertEquals(List.of(fw), join(sim.frameworkIds()), "one framework all along");
  }

  /** The leader's log and the master agree: exactly {@code n} tasks, the same ids, all RUNNING. */
  private static boolean agree(TestNode leader, SimMaster sim, String fw, int n) {
    if (leader.server == null) return false;
    Set<String> ours = leader.server.log().state().tasksOf("/ha/web").stream()
        .filter(t -> t.state() == TaskState.TASK_RUNNING).map(Task::id).collect(Collectors.toSet());
    Map<String, String> master = join(sim.liveTasks(fw));
    return ours.size() == n && leader.server.log().state().tasksOf("/ha/web").size() == n
        && master.keySet().equals(ours) && join(sim.taskCounts(fw)).equals(Map.of("TASK_RUNNING", n));
  }
}
