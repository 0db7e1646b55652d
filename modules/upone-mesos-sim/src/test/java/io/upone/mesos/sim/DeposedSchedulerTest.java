package io.upone.mesos.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.driver.TaskReport;
import io.upone.core.proto.TaskState;
import io.upone.core.testing.Poll;
import io.upone.mesos.FrameworkIdStore;
import io.upone.mesos.MesosConfig;
import io.upone.mesos.MesosDriver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two upone leaders of successive terms as Mesos scheduler instances of one framework: once the
 * new one has subscribed, the deposed one (its driver still running, as in a partition before it
 * learns it lost its term) can neither launch nor kill on the master, and it does not subscribe
 * again: the new leader keeps the framework and goes on launching.
 */
class DeposedSchedulerTest {
  private static final Duration T = Duration.ofSeconds(15);
  private Vertx vertx;
  private SimMaster sim;
  private MesosDriver deposed;
  private MesosDriver current;
  /** The framework id both leaders read from the (shared) log. */
  private volatile String frameworkId = "";

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    sim = join(SimMaster.start(vertx, SimOptions.forTests(2)));
  }

  @AfterEach
  void stop() {
    if (deposed != null) deposed.stop();
    if (current != null) current.stop();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private static <T> T join(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  /** The log's framework id, and whether this leader's term is still the current one. */
  private FrameworkIdStore store(boolean leads) {
    return new FrameworkIdStore() {
      @Override
      public String frameworkId() {
        return frameworkId;
      }

      @Override
      public void subscribed(String id, String master) {
        frameworkId = id;
      }

      @Override
      public void forget(String why) {
        frameworkId = "";
      }

      @Override
      public CompletionStage<Boolean> stillLeads() {
        return CompletableFuture.completedFuture(leads);
      }
    };
  }

  /** Keeps the offers it gets (for the test to launch on), reports every update and acknowledges it. */
  private static final class Leader implements ClusterDriver.Listener {
    final Queue<Offer> offers = new ConcurrentLinkedQueue<>();
    final Queue<TaskReport> reports = new ConcurrentLinkedQueue<>();
    MesosDriver driver;

    @Override
    public void offers(Collection<Offer> o) {
      offers.addAll(o);
    }

    @Override
    public void rescinded(String offerId) {
      offers.removeIf(o -> o.offerId().equals(offerId));
    }

    @Override
    public void report(TaskReport r) {
      reports.add(r);
      driver.acknowledge(r);
    }

    @Override
    public void agentLost(String agentId, String reason) { }

    boolean running(String taskId) {
      return reports.stream().anyMatch(r -> r.taskId().equals(taskId) && r.state() == TaskState.TASK_RUNNING);
    }
  }

  private MesosDriver driver(Leader l, boolean leads) {
    l.driver = new MesosDriver(vertx, vertx.getOrCreateContext(), MesosConfig.of(sim.url()).withBackoff(20, 200), store(leads));
    l.driver.start(l);
    return l.driver;
  }

  private static TaskLaunch task(String id, Offer o) {
    return new TaskLaunch(id, "/app", 1, o.agentId(), "sleep 100", List.of(), "", Map.of(), 0.5, 64, 0, List.of(), 2);
  }

  @Test
  void theDeposedLeaderLaunchesAndKillsNothingAndDoesNotTakeTheFrameworkBack() throws Exception {
    Leader old = new Leader();
    deposed = driver(old, false); // its term will be over once the other subscribes
    Poll.until("offers to the first leader", T, () -> old.offers.size() >= 2);
    Offer first = old.offers.poll();
    deposed.launch(first.offerId(), List.of(task("t1", first)));
    Poll.until("t1 running", T, () -> old.running("t1"));
    String fw = frameworkId;
    Offer held = old.offers.peek(); // still held when its successor subscribes

    Leader next = new Leader();
    current = driver(next, true);
    Poll.until("the new leader subscribed and the old one gave up", T,
        () -> current.isSubscribed() && deposed.stats().supplanted == 1);
    assertFalse(deposed.isSubscribed());

    // the deposed leader acts on what it believes: nothing reaches the master
    deposed.launch(held.offerId(), List.of(task("t2", held)));
    deposed.kill(first.agentId(), "t1", 1);
    Poll.until("its calls answered", T, () -> old.reports.stream().anyMatch(r -> r.taskId().equals("t2")));
    assertEquals(1, sim.calls(Call.Type.ACCEPT));
    assertEquals(0, sim.calls(Call.Type.KILL));
    assertEquals(Set.of("t1"), join(sim.liveTasks(fw)).keySet());

    // the new leader keeps the framework: it launches, and no one subscribed again
    Poll.until("offers to the new leader", T, () -> !next.offers.isEmpty());
    Offer o = next.offers.poll();
    current.launch(o.offerId(), List.of(task("t3", o)));
    Poll.until("t3 running", T, () -> next.running("t3"));
    assertEquals(Map.of("TASK_RUNNING", 2), join(sim.taskCounts(fw)));
    assertEquals(2, sim.calls(Call.Type.SUBSCRIBE), "one subscription per leader, none taken back");
    assertTrue(current.isSubscribed() && !deposed.isSubscribed());
    assertEquals(List.of(fw), join(sim.frameworkIds()));
  }
}
