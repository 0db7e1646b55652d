package io.upone.mesos.sim;

import static io.upone.mesos.sim.RawScheduler.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.upone.core.testing.Poll;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mesos's own fencing of scheduler instances, as its master does it: once a second instance has
 * SUBSCRIBEd with the framework's id, the first one's stream gets ERROR "Framework failed over"
 * and every call carrying its {@code Mesos-Stream-Id} is refused (400, the master's message),
 * so an ACCEPT, KILL or DECLINE of the deposed instance takes no effect. The offers the old
 * instance held are taken back and offered to the new one (Master::_failoverFramework).
 */
class StaleStreamTest {
  private static final Duration T = Duration.ofSeconds(10);
  private Vertx vertx;
  private SimMaster sim;
  private RawScheduler first;
  private RawScheduler second;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    sim = SimMaster.start(vertx, SimOptions.forTests(2)).toCompletionStage().toCompletableFuture().join();
  }

  @AfterEach
  void stop() throws Exception {
    if (first != null) first.close();
    if (second != null) second.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private static Protos.Resource scalar(String name, double v) {
    return Protos.Resource.newBuilder().setName(name).setType(Protos.Value.Type.SCALAR)
        .setScalar(Protos.Value.Scalar.newBuilder().setValue(v)).build();
  }

  private static Call.Builder call(String fw, Call.Type type) {
    return Call.newBuilder().setType(type).setFrameworkId(Protos.FrameworkID.newBuilder().setValue(fw));
  }

  private static Call accept(String fw, Protos.Offer o, String taskId) {
    Protos.TaskInfo t = Protos.TaskInfo.newBuilder().setName(taskId).setTaskId(Protos.TaskID.newBuilder().setValue(taskId))
        .setAgentId(o.getAgentId()).setCommand(Protos.CommandInfo.newBuilder().setValue("sleep 100"))
        .addResources(scalar("cpus", 1)).addResources(scalar("mem", 64)).build();
    return call(fw, Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(o.getId())
        .addOperations(Protos.Offer.Operation.newBuilder().setType(Protos.Offer.Operation.Type.LAUNCH)
            .setLaunch(Protos.Offer.Operation.Launch.newBuilder().addTaskInfos(t)))).build();
  }

  private Map<String, Integer> running(String fw) {
    return sim.taskCounts(fw).toCompletionStage().toCompletableFuture().join();
  }

  private static void ack(RawScheduler c, String fw, Protos.TaskStatus s) {
    try {
      assertEquals(202, c.call(call(fw, Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
          .setAgentId(s.getAgentId()).setTaskId(s.getTaskId()).setUuid(s.getUuid())).build()).statusCode());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void callsOfTheFailedOverInstanceAreRefusedAndTakeNoEffect() throws Exception {
    first = new RawScheduler(sim.url());
    assertEquals(200, first.subscribe(SimProtocolTest.subscribeCall(null, 60, true)));
    first.next(Event.Type.SUBSCRIBED, 5000);
    String fw = first.frameworkId;
    Map<String, Protos.Offer> held = new java.util.HashMap<>();
    Poll.until("offers of both agents", T, () -> {
      Event e = first.events.poll();
      if (e != null && e.getType() == Event.Type.OFFERS) e.getOffers().getOffersList().forEach(o -> held.put(o.getAgentId().getValue(), o));
      return held.size() == 2;
    });
    Protos.Offer[] offers = held.values().toArray(Protos.Offer[]::new);
    assertEquals(202, first.call(accept(fw, offers[0], "t1")).statusCode());
    Poll.until("t1 running", T, () -> {
      Event e = first.events.poll();
      if (e != null && e.getType() == Event.Type.UPDATE && !e.getUpdate().getStatus().getUuid().isEmpty()) {
        Protos.TaskStatus s = e.getUpdate().getStatus(); // the master sends the next update once this one is acknowledged
        ack(first, fw, s);
      }
      return running(fw).equals(Map.of("TASK_RUNNING", 1));
    });
    String stale = first.streamId;

    // a second instance (upone: the newly elected leader) subscribes as the same framework
    second = new RawScheduler(sim.url());
    assertEquals(200, second.subscribe(SimProtocolTest.subscribeCall(fw, 60, true)));
    second.next(Event.Type.SUBSCRIBED, 5000);
    assertEquals("Framework failed over", first.next(Event.Type.ERROR, 5000).getError().getMessage());
    Poll.until("the old stream ended", T, () -> first.ended);

    String refused = "400 The stream ID '" + stale + "' included in this request didn't match the stream ID currently "
        + "associated with framework ID " + fw;
    long accepts = sim.calls(Call.Type.ACCEPT);
    assertEquals(refused, text(first.call(accept(fw, offers[1], "t2"))), "ACCEPT");
    assertEquals(refused, text(first.call(call(fw, Call.Type.KILL).setKill(Call.Kill.newBuilder()
        .setTaskId(Protos.TaskID.newBuilder().setValue("t1")).setAgentId(offers[0].getAgentId())).build())), "KILL");
    assertEquals(refused, text(first.call(call(fw, Call.Type.DECLINE).setDecline(Call.Decline.newBuilder()
        .addOfferIds(offers[1].getId())).build())), "DECLINE");
    assertEquals(accepts, sim.calls(Call.Type.ACCEPT));
    assertEquals(0, sim.calls(Call.Type.KILL));
    assertEquals(0, sim.calls(Call.Type.DECLINE));
    assertEquals(Map.of("TASK_RUNNING", 1), running(fw));
    assertEquals(Set.of("t1"), sim.liveTasks(fw).toCompletionStage().toCompletableFuture().join().keySet());

    // what the old instance held is offered to the new one: both agents, t1's cpu excepted
    Set<String> agents = new HashSet<>();
    double[] cpus = {0};
    Poll.until("both agents offered to the new instance", T, () -> {
      Event e = second.events.poll();
      if (e != null && e.getType() == Event.Type.OFFERS) {
        for (Protos.Offer o : e.getOffers().getOffersList()) {
          agents.add(o.getAgentId().getValue());
          cpus[0] += o.getResourcesList().stream().filter(r -> r.getName().equals("cpus")).mapToDouble(r -> r.getScalar().getValue()).sum();
        }
      }
      return agents.size() == 2;
    });
    assertEquals(7.0, cpus[0], "4 + 4 cpus, less t1's one");
  }
}
