package io.upone.mesos;

import io.upone.core.testing.Poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.mesosphere.mesos.rx.java.protobuf.ProtobufMessageCodecs;
import com.mesosphere.mesos.rx.java.test.simulation.MesosServerSimulation;
import com.mesosphere.mesos.rx.java.util.MessageCodec;
import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.driver.TaskReport;
import io.upone.core.proto.TaskState;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import rx.subjects.PublishSubject;

/**
 * The driver against mesos-rxjava's MesosServerSimulation: a scripted v1 master written by
 * other people. It decodes our calls with its own codec (protobuf) or a plain JSON reading, and
 * we script the events it streams in RecordIO. Subscribe, offers, accept and decline, updates
 * acknowledged only when the scheduler says so, kill, reconcile, rescind, agent failure.
 */
class MesosRxInteropTest {
  private static final Duration T = Duration.ofSeconds(10);
  private Vertx vertx;
  private MesosServerSimulation<Event, Call> master;
  private MesosDriver driver;

  @AfterEach
  void tearDown() throws Exception {
    if (driver != null) driver.stop();
    if (master != null) master.shutdown();
    if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** JSON as Mesos writes it, read and written by protobuf's own JsonFormat (not upone's codec). */
  private static <T extends com.google.protobuf.Message> MessageCodec<T> json(java.util.function.Supplier<com.google.protobuf.Message.Builder> builder) {
    return new MessageCodec<>() {
      @Override
      public byte[] encode(T message) {
        try {
          return JsonFormat.printer().preservingProtoFieldNames().print(message).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      @SuppressWarnings("unchecked")
      public T decode(byte[] bytes) {
        try {
          com.google.protobuf.Message.Builder b = builder.get();
          JsonFormat.parser().merge(new String(bytes, StandardCharsets.UTF_8), b);
          return (T) b.build();
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public T decode(InputStream in) {
        try {
          return decode(in.readAllBytes());
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public String mediaType() {
        return "application/json";
      }

      @Override
      public String show(T message) {
        return message.toString();
      }
    };
  }

  static final class Recorder implements ClusterDriver.Listener {
    final Queue<Offer> offers = new ConcurrentLinkedQueue<>();
    final Queue<String> rescinded = new ConcurrentLinkedQueue<>();
    final Queue<TaskReport> reports = new ConcurrentLinkedQueue<>();
    final Queue<String> lost = new ConcurrentLinkedQueue<>();

    @Override
    public void offers(Collection<Offer> o) {
      offers.addAll(o);
    }

    @Override
    public void rescinded(String offerId) {
      rescinded.add(offerId);
    }

    @Override
    public void report(TaskReport r) {
      reports.add(r);
    }

    @Override
    public void agentLost(String agentId, String reason) {
      lost.add(agentId);
    }
  }

  private List<Call> calls(Call.Type type) {
    return master.getCallsReceived().stream().filter(c -> c.getType() == type).toList();
  }

  private static Protos.Offer offer(String id, String agent, double cpus, double mem, int portFrom, int portTo) {
    return Protos.Offer.newBuilder().setId(Protos.OfferID.newBuilder().setValue(id))
        .setFrameworkId(Protos.FrameworkID.newBuilder().setValue("fw-1"))
        .setAgentId(Protos.AgentID.newBuilder().setValue(agent)).setHostname(agent + ".example")
        .addAttributes(Protos.Attribute.newBuilder().setName("rack").setType(Protos.Value.Type.TEXT)
            .setText(Protos.Value.Text.newBuilder().setValue("r1")))
        .addResources(Protos.Resource.newBuilder().setName("cpus").setType(Protos.Value.Type.SCALAR)
            .setScalar(Protos.Value.Scalar.newBuilder().setValue(cpus)))
        .addResources(Protos.Resource.newBuilder().setName("mem").setType(Protos.Value.Type.SCALAR)
            .setScalar(Protos.Value.Scalar.newBuilder().setValue(mem)))
        .addResources(Protos.Resource.newBuilder().setName("ports").setType(Protos.Value.Type.RANGES)
            .setRanges(Protos.Value.Ranges.newBuilder().addRange(Protos.Value.Range.newBuilder().setBegin(portFrom).setEnd(portTo))))
        .build();
  }

  private static Event update(String task, String agent, Protos.TaskState st, ByteString uuid) {
    Protos.TaskStatus.Builder s = Protos.TaskStatus.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue(task))
        .setAgentId(Protos.AgentID.newBuilder().setValue(agent)).setState(st)
        .setSource(Protos.TaskStatus.Source.SOURCE_EXECUTOR);
    if (uuid != null) s.setUuid(uuid);
    return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder().setStatus(s)).build();
  }

  /** Starts the scripted master (and this test's Vert.x) with the codec pair of {@code codec}. */
  private int startMaster(PublishSubject<Event> events, MesosCodec codec) {
    MessageCodec<Event> eventCodec = codec == MesosCodec.PROTOBUF ? ProtobufMessageCodecs.SCHEDULER_EVENT : json(Event::newBuilder);
    MessageCodec<Call> callCodec = codec == MesosCodec.PROTOBUF ? ProtobufMessageCodecs.SCHEDULER_CALL : json(Call::newBuilder);
    master = new MesosServerSimulation<>(events, eventCodec, callCodec, c -> c.getType() == Call.Type.SUBSCRIBE);
    vertx = Vertx.vertx();
    return master.start();
  }

  @ParameterizedTest
  @EnumSource(MesosCodec.class)
  void subscribeOffersAcceptDeclineAcknowledge(MesosCodec codec) throws Exception {
    PublishSubject<Event> events = PublishSubject.create();
    int port = startMaster(events, codec);
    Context ctx = vertx.getOrCreateContext();
    FrameworkIdStore store = FrameworkIdStore.inMemory();
    driver = new MesosDriver(vertx, ctx, MesosConfig.of("http://127.0.0.1:" + port).withCodec(codec)
        .withFailoverTimeout(3600).withName("upone-interop"), store);
    Recorder rec = new Recorder();
    driver.start(rec);

    assertTrue(master.awaitSubscribeCall(10, java.util.concurrent.TimeUnit.SECONDS), "SUBSCRIBE received");
    Call subscribe = calls(Call.Type.SUBSCRIBE).get(0);
    Protos.FrameworkInfo info = subscribe.getSubscribe().getFrameworkInfo();
    assertEquals("upone-interop", info.getName());
    assertEquals(3600, info.getFailoverTimeout());
    assertFalse(info.hasId(), "a first subscription names no framework id");
    assertTrue(info.getCapabilitiesList().stream().anyMatch(c -> c.getType() == Protos.FrameworkInfo.Capability.Type.PARTITION_AWARE));

    events.onNext(Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
        .setFrameworkId(Protos.FrameworkID.newBuilder().setValue("fw-1")).setHeartbeatIntervalSeconds(15)).build());
    Poll.until("subscribed", T, () -> "fw-1".equals(store.frameworkId()) && driver.isSubscribed());

    events.onNext(Event.newBuilder().setType(Event.Type.OFFERS).setOffers(Event.Offers.newBuilder()
        .addOffers(offer("o-1", "a-1", 2, 1024, 31000, 31010))
        .addOffers(offer("o-2", "a-2", 1, 512, 31000, 31000))).build());
    Poll.until("two offers", T, () -> rec.offers.size() == 2);
    Offer o1 = rec.offers.stream().filter(o -> o.offerId().equals("o-1")).findFirst().orElseThrow();
    assertEquals(2, o1.resources().cpus());
    assertEquals(1024, o1.resources().mem());
    assertEquals("a-1.example", o1.hostname());
    assertEquals(Map.of("rack", "r1"), o1.attributes());

    TaskLaunch launch = new TaskLaunch("web.t1", "web", 1, "a-1", "exec ./serve", List.of(), "", Map.of("A", "1"),
        0.5, 128, 0, List.of(31005), 5);
    driver.launch("o-1", List.of(launch));
    driver.decline("o-2", 5);
    Poll.until("ACCEPT and DECLINE", T, () -> calls(Call.Type.ACCEPT).size() == 1 && calls(Call.Type.DECLINE).size() == 1);
    Call accept = calls(Call.Type.ACCEPT).get(0);
    assertEquals("fw-1", accept.getFrameworkId().getValue());
    assertEquals("o-1", accept.getAccept().getOfferIds(0).getValue());
    Protos.TaskInfo ti = accept.getAccept().getOperations(0).getLaunch().getTaskInfos(0);
    assertEquals(Protos.Offer.Operation.Type.LAUNCH, accept.getAccept().getOperations(0).getType());
    assertEquals("web.t1", ti.getTaskId().getValue());
    assertEquals("a-1", ti.getAgentId().getValue());
    assertEquals("exec ./serve", ti.getCommand().getValue());
    assertTrue(ti.getCommand().getEnvironment().getVariablesList().stream()
        .anyMatch(v -> v.getName().equals("PORT0") && v.getValue().equals("31005")));
    assertEquals(5_000_000_000L, ti.getKillPolicy().getGracePeriod().getNanoseconds());
    io.upone.core.driver.Resources used = OfferResources.totals(ti.getResourcesList());
    assertEquals(0.5, used.cpus());
    assertEquals(128, used.mem());
    assertEquals(List.of(new io.upone.core.driver.PortRange(31005, 31005)), used.ports());
    Call decline = calls(Call.Type.DECLINE).get(0);
    assertEquals("o-2", decline.getDecline().getOfferIds(0).getValue());
    assertEquals(5, decline.getDecline().getFilters().getRefuseSeconds());

    ByteString uuid = ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    events.onNext(update("web.t1", "a-1", Protos.TaskState.TASK_RUNNING, uuid));
    Poll.until("RUNNING report", T, () -> rec.reports.stream().anyMatch(r -> r.state() == TaskState.TASK_RUNNING));
    assertTrue(calls(Call.Type.ACKNOWLEDGE).isEmpty(), "nothing is acknowledged before the scheduler commits it");
    TaskReport running = rec.reports.stream().filter(r -> r.state() == TaskState.TASK_RUNNING).findFirst().orElseThrow();
    driver.acknowledge(running);
    Poll.until("ACKNOWLEDGE", T, () -> calls(Call.Type.ACKNOWLEDGE).size() == 1);
    Call.Acknowledge ack = calls(Call.Type.ACKNOWLEDGE).get(0).getAcknowledge();
    assertEquals(uuid, ack.getUuid());
    assertEquals("a-1", ack.getAgentId().getValue());
    assertEquals("web.t1", ack.getTaskId().getValue());

    // a reconciliation answer carries no uuid: it must not be acknowledged
    events.onNext(update("web.t1", "a-1", Protos.TaskState.TASK_RUNNING, null));
    Poll.until("second report", T, () -> rec.reports.size() == 2);
    driver.acknowledge(running);

    driver.kill("a-1", "web.t1", 3);
    driver.reconcile(List.of(new ClusterDriver.TaskRef("web.t1", "a-1")));
    Poll.until("KILL and RECONCILE", T, () -> calls(Call.Type.KILL).size() == 1 && calls(Call.Type.RECONCILE).size() == 1);
    assertEquals(1, calls(Call.Type.ACKNOWLEDGE).size());
    assertEquals(3_000_000_000L, calls(Call.Type.KILL).get(0).getKill().getKillPolicy().getGracePeriod().getNanoseconds());
    assertEquals("web.t1", calls(Call.Type.RECONCILE).get(0).getReconcile().getTasks(0).getTaskId().getValue());

    // a rescinded offer is not accepted: its tasks are reported dropped at once
    events.onNext(Event.newBuilder().setType(Event.Type.OFFERS).setOffers(Event.Offers.newBuilder()
        .addOffers(offer("o-3", "a-2", 1, 512, 31000, 31000))).build());
    Poll.until("third offer", T, () -> rec.offers.size() == 3);
    events.onNext(Event.newBuilder().setType(Event.Type.RESCIND).setRescind(Event.Rescind.newBuilder()
        .setOfferId(Protos.OfferID.newBuilder().setValue("o-3"))).build());
    Poll.until("rescind", T, () -> rec.rescinded.contains("o-3"));
    driver.launch("o-3", List.of(new TaskLaunch("web.t2", "web", 1, "a-2", "true", List.of(), "", Map.of(), 0.1, 32, 0,
        List.of(), 0)));
    Poll.until("dropped report", T, () -> rec.reports.stream().anyMatch(r -> r.taskId().equals("web.t2")
        && r.state() == TaskState.TASK_DROPPED));
    assertEquals(1, calls(Call.Type.ACCEPT).size());

    // agent failure: its tasks are lost
    events.onNext(Event.newBuilder().setType(Event.Type.FAILURE).setFailure(Event.Failure.newBuilder()
        .setAgentId(Protos.AgentID.newBuilder().setValue("a-1"))).build());
    Poll.until("agent lost", T, () -> rec.lost.contains("a-1"));
    assertNull(driver.agents().get("a-1"));

    // no call carried a stream id this peer never gave
    assertTrue(master.getCallsReceived().stream().allMatch(c -> c.getType() == Call.Type.SUBSCRIBE || c.getFrameworkId().getValue().equals("fw-1")));
  }

  @ParameterizedTest
  @EnumSource(MesosCodec.class)
  void silenceLongerThanTheHeartbeatIntervalMeansReconnect(MesosCodec codec) throws Exception {
    PublishSubject<Event> events = PublishSubject.create();
    int port = startMaster(events, codec);
    FrameworkIdStore store = FrameworkIdStore.inMemory();
    driver = new MesosDriver(vertx, vertx.getOrCreateContext(), MesosConfig.of("127.0.0.1:" + port).withCodec(codec)
        .withBackoff(50, 200), store);
    driver.start(new Recorder());
    assertTrue(master.awaitSubscribeCall(10, java.util.concurrent.TimeUnit.SECONDS));
    events.onNext(Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
        .setFrameworkId(Protos.FrameworkID.newBuilder().setValue("fw-9")).setHeartbeatIntervalSeconds(0.3)).build());
    Poll.until("subscribed", T, driver::isSubscribed);
    // no HEARTBEAT follows: after two missed intervals the driver resubscribes, as framework fw-9
    Poll.until("a second SUBSCRIBE", T, () -> calls(Call.Type.SUBSCRIBE).size() >= 2);
    Call again = calls(Call.Type.SUBSCRIBE).get(1);
    assertEquals("fw-9", again.getFrameworkId().getValue());
    assertEquals("fw-9", again.getSubscribe().getFrameworkInfo().getId().getValue());
  }
}
