package io.upone.mesos.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.driver.TaskReport;
import io.upone.mesos.FrameworkIdStore;
import io.upone.mesos.MesosConfig;
import io.upone.mesos.MesosDriver;
import io.upone.core.testing.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The driver's connection handling against the simulator: redirects, dead masters, a removed framework. */
class MesosDriverSimTest {
  private static final Duration T = Duration.ofSeconds(15);
  private Vertx vertx;
  private MesosDriver driver;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    if (driver != null) driver.stop();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private static <T> T join(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  /** Declines every offer; the tests look at the subscription only. */
  private final class Decliner implements ClusterDriver.Listener {
    @Override
    public void offers(Collection<Offer> offers) {
      for (Offer o : offers) driver.decline(o.offerId(), 60);
    }

    @Override
    public void rescinded(String offerId) { }

    @Override
    public void report(TaskReport r) {
      driver.acknowledge(r);
    }

    @Override
    public void agentLost(String agentId, String reason) { }
  }

  private MesosDriver driver(MesosConfig config, FrameworkIdStore store) {
    driver = new MesosDriver(vertx, vertx.getOrCreateContext(), config.withBackoff(20, 200), store);
    driver.start(new Decliner());
    return driver;
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(io.upone.mesos.MesosCodec.class)
  void bothEncodingsLaunchRunAndAcknowledge(io.upone.mesos.MesosCodec codec) throws Exception {
    SimMaster sim = join(SimMaster.start(vertx, SimOptions.forTests(2)));
    java.util.Queue<TaskReport> reports = new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.atomic.AtomicBoolean launched = new java.util.concurrent.atomic.AtomicBoolean();
    driver = new MesosDriver(vertx, vertx.getOrCreateContext(), MesosConfig.of(sim.url()).withCodec(codec), FrameworkIdStore.inMemory());
    driver.start(new ClusterDriver.Listener() {
      @Override
      public void offers(Collection<Offer> offers) {
        for (Offer o : offers) {
          if (launched.compareAndSet(false, true)) {
            driver.launch(o.offerId(), List.of(new io.upone.core.driver.TaskLaunch("t-" + codec, "/app", 1, o.agentId(),
                "sleep 100", List.of(), "", java.util.Map.of("K", "v"), 0.5, 64, 10, List.of(o.resources().ports().get(0).begin()), 2)));
          } else {
            driver.decline(o.offerId(), 60);
          }
        }
      }

      @Override
      public void rescinded(String offerId) { }

      @Override
      public void report(TaskReport r) {
        reports.add(r);
        driver.acknowledge(r); // as if committed at once
      }

      @Override
      public void agentLost(String agentId, String reason) { }
    });
    Poll.until("RUNNING", T, () -> reports.stream().anyMatch(r -> r.state() == io.upone.core.proto.TaskState.TASK_RUNNING));
    // in order; an update resent because its acknowledgement was late (a loaded machine) repeats its state
    List<io.upone.core.proto.TaskState> states = new java.util.ArrayList<>();
    for (TaskReport r : reports) if (states.isEmpty() || states.get(states.size() - 1) != r.state()) states.add(r.state());
    assertEquals(List.of(io.upone.core.proto.TaskState.TASK_STARTING, io.upone.core.proto.TaskState.TASK_RUNNING), states);
    Poll.until("both updates acknowledged", T, () -> sim.calls(Call.Type.ACKNOWLEDGE) >= 2);
    assertEquals(java.util.Map.of("TASK_RUNNING", 1), join(sim.taskCounts(driver.frameworkId())));
    driver.kill(reports.peek().agentId(), "t-" + codec, 2);
    Poll.until("KILLED", T, () -> reports.stream().anyMatch(r -> r.state() == io.upone.core.proto.TaskState.TASK_KILLED));
    Poll.until("forgotten by the master", T, () -> join(sim.taskCounts(driver.frameworkId())).isEmpty());
    assertEquals(0, driver.stats().failedCalls);
  }

  @Test
  void followsTheRedirectOfANonLeadingMasterAndSkipsDeadOnes() throws Exception {
    SimMaster leader = join(SimMaster.start(vertx, SimOptions.forTests(2)));
    SimMaster follower = join(SimMaster.start(vertx, SimOptions.forTests(0).withLeader("127.0.0.1:" + leader.port())));
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort(); // nothing listens there once closed
    }
    FrameworkIdStore store = FrameworkIdStore.inMemory();
    driver(MesosConfig.of("http://127.0.0.1:" + dead + "," + follower.url()), store);
    Poll.until("subscribed on the leader", T, () -> driver.isSubscribed() && join(leader.frameworkIds()).size() == 1);
    assertEquals(List.of(), join(follower.frameworkIds()));
    assertEquals(join(leader.frameworkIds()).get(0), store.frameworkId());
    Poll.until("offers declined on the leader", T, () -> leader.calls(Call.Type.DECLINE) >= 1);
  }

  @Test
  void aFrameworkRemovedAfterItsFailoverTimeoutIsForgottenAndANewOneSubscribes() throws Exception {
    SimMaster sim = join(SimMaster.start(vertx, SimOptions.forTests(1)));
    FrameworkIdStore store = FrameworkIdStore.inMemory();
    driver(MesosConfig.of(sim.url()).withFailoverTimeout(0.2), store);
    Poll.until("subscribed and recorded", T, () -> driver.isSubscribed() && !store.frameworkId().isEmpty());
    String first = store.frameworkId();
    // the master removes the framework while it is away (stream dropped, nobody back within 0.2 s)
    driver.stop();
    Poll.until("removed", T, () -> join(sim.isRemoved(first)));
    driver(MesosConfig.of(sim.url()).withFailoverTimeout(0.2), store);
    Poll.until("a new framework", T, () -> driver.isSubscribed() && !store.frameworkId().isEmpty()
        && !store.frameworkId().equals(first));
    assertNotEquals(first, driver.frameworkId());
    assertTrue(driver.stats().errors >= 1, "the master's ERROR was seen");
  }
}
