package io.upone.mesos.sim;

import static io.upone.mesos.sim.RawScheduler.text;
import static io.upone.mesos.sim.RawScheduler.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.upone.core.testing.Poll;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator's v1 scheduler API as the Mesos docs describe it, driven by a bare client. */
class SimProtocolTest {
  private static final Duration T = Duration.ofSeconds(10);
  private Vertx vertx;
  private SimMaster sim;
  private final List<RawScheduler> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    sim = SimMaster.start(vertx, SimOptions.forTests(2)).toCompletionStage().toCompletableFuture().join();
  }

  @AfterEach
  void stop() throws Exception {
    for (RawScheduler c : clients) c.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private RawScheduler client() {
    RawScheduler c = new RawScheduler(sim.url());
    clients.add(c);
    return c;
  }

  static Call subscribeCall(String frameworkId, double failoverTimeout, boolean partitionAware) {
    Protos.FrameworkInfo.Builder info = Protos.FrameworkInfo.newBuilder().setUser("root").setName("raw")
        .setFailoverTimeout(failoverTimeout);
    if (partitionAware) {
      info.addCapabilities(Protos.FrameworkInfo.Capability.newBuilder().setType(Protos.FrameworkInfo.Capability.Type.PARTITION_AWARE));
    }
    Call.Builder c = Call.newBuilder().setType(Call.Type.SUBSCRIBE);
    if (frameworkId != null) {
      info.setId(Protos.FrameworkID.newBuilder().setValue(frameworkId));
      c.setFrameworkId(Protos.FrameworkID.newBuilder().setValue(frameworkId));
    }
    return c.setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info)).build();
  }

  private static Call.Builder call(RawScheduler c, Call.Type type) {
    return Call.newBuilder().setType(type).setFrameworkId(Protos.FrameworkID.newBuilder().setValue(c.frameworkId));
  }

  private static Call launch(RawScheduler c, Protos.Offer o, String taskId, double cpus, String endLabel) {
    Protos.TaskInfo.Builder t = Protos.TaskInfo.newBuilder().setName(taskId).setTaskId(Protos.TaskID.newBuilder().setValue(taskId))
        .setAgentId(o.getAgentId()).setCommand(Protos.CommandInfo.newBuilder().setValue("sleep 100"))
        .addResources(Protos.Resource.newBuilder().setName("cpus").setType(Protos.Value.Type.SCALAR)
            .setScalar(Protos.Value.Scalar.newBuilder().setValue(cpus)))
        .addResources(Protos.Resource.newBuilder().setName("mem").setType(Protos.Value.Type.SCALAR)
            .setScalar(Protos.Value.Scalar.newBuilder().setValue(64)));
    if (endLabel != null) t.setLabels(Protos.Labels.newBuilder().addLabels(Protos.Label.newBuilder().setKey("sim.end").setValue(endLabel)));
    return call(c, Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(o.getId())
        .addOperations(Protos.Offer.Operation.newBuilder().setType(Protos.Offer.Operation.Type.LAUNCH)
            .setLaunch(Protos.Offer.Operation.Launch.newBuilder().addTaskInfos(t)))).build();
  }

  private static Call ack(RawScheduler c, Protos.TaskStatus s) {
    return call(c, Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder().setAgentId(s.getAgentId())
        .setTaskId(s.getTaskId()).setUuid(s.getUuid())).build();
  }

  /** Subscribes {@code c}, takes the first offer and launches one task on it; returns that offer. */
  private static Protos.Offer subscribeAndLaunch(RawScheduler c, double failoverTimeout, boolean partitionAware,
                                                 double cpus, String endLabel) throws Exception {
    c.subscribe(subscribeCall(null, failoverTimeout, partitionAware));
    c.next(Event.Type.SUBSCRIBED, 5000);
    Protos.Offer o = c.next(Event.Type.OFFERS, 5000).getOffers().getOffers(0);
    assertEquals(202, c.call(launch(c, o, "t1", cpus, endLabel)).statusCode());
    return o;
  }

  @Test
  void requestsOutsideTheProtocolGetMesosStatusCodesAndMessages() throws Exception {
    URI api = URI.create(sim.url() + "/api/v1/scheduler");
    HttpResponse<String> get = RawScheduler.HTTP.send(HttpRequest.newBuilder(api).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, get.statusCode());
    assertEquals("400 Expecting 'Content-Type' to be present", text(RawScheduler.post(api, null, utf8("{}"), null)));
    assertEquals(415, RawScheduler.post(api, "text/plain", utf8("x"), null).statusCode());
    HttpResponse<String> garbage = RawScheduler.post(api, "application/json", utf8("{\"type\": 12"), null);
    assertEquals(400, garbage.statusCode());
    assertTrue(garbage.body().startsWith("Failed to parse body into Call protobuf"), garbage.body());
    assertEquals("400 Failed to validate scheduler::Call: Expecting 'framework_id' to be present",
        text(RawScheduler.post(api, "application/json", utf8("{\"type\":\"REVIVE\"}"), null)));
    assertEquals("400 Framework cannot be found", text(RawScheduler.post(api, "application/json",
        utf8("{\"type\":\"REVIVE\",\"framework_id\":{\"value\":\"nope\"}}"), "s")));
    HttpResponse<String> notAcceptable = RawScheduler.HTTP.send(HttpRequest.newBuilder(api)
        .header("Content-Type", "application/x-protobuf").header("Accept", "text/html")
        .POST(HttpRequest.BodyPublishers.ofByteArray(subscribeCall(null, 10, true).toByteArray())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(406, notAcceptable.statusCode());
    assertEquals("400 Subscribe calls should not include the 'Mesos-Stream-Id' header",
        text(RawScheduler.post(api, "application/x-protobuf", subscribeCall(null, 10, true).toByteArray(), "abc")));

    RawScheduler c = client();
    assertEquals(200, c.subscribe(subscribeCall(null, 10, true)));
    c.next(Event.Type.SUBSCRIBED, 5000);
    Call revive = call(c, Call.Type.REVIVE).build();
    assertEquals("400 All non-subscribe calls should include the 'Mesos-Stream-Id' header",
        text(RawScheduler.post(c.uri, "application/x-protobuf", revive.toByteArray(), null)));
    assertEquals("400 The stream ID 'other' included in this request didn't match the stream ID currently associated "
        + "with framework ID " + c.frameworkId, text(RawScheduler.post(c.uri, "application/x-protobuf", revive.toByteArray(), "other")));
    assertEquals(202, c.call(revive).statusCode());
    // a JSON call on the same stream is fine; the body is the proto3 JSON mapping with proto field names
    assertEquals(202, RawScheduler.post(c.uri, "application/json",
        utf8("{\"type\":\"SUPPRESS\",\"framework_id\":{\"value\":\"" + c.frameworkId + "\"}}"), c.streamId).statusCode());
    Poll.until("suppressed", T, () -> sim.isSuppressed(c.frameworkId).toCompletionStage().toCompletableFuture().join());

    // the stream breaks: until the failover timeout the framework exists but is not subscribed
    c.close();
    Poll.until("disconnected", T, () -> !sim.isConnected(c.frameworkId).toCompletionStage().toCompletableFuture().join());
    assertEquals("403 Framework is not subscribed", text(c.call(revive)));
  }

  @Test
  void aNonLeadingMasterRedirectsToTheLeader() throws Exception {
    sim.setLeader("127.0.0.1:5999").toCompletionStage().toCompletableFuture().join();
    HttpResponse<String> r = RawScheduler.post(URI.create(sim.url() + "/api/v1/scheduler"), "application/x-protobuf",
        subscribeCall(null, 10, true).toByteArray(), null);
    assertEquals(307, r.statusCode());
    assertEquals("//127.0.0.1:5999/api/v1/scheduler", r.headers().firstValue("Location").orElseThrow());
  }

  @Test
  void updatesAreResentUntilAcknowledgedAndDeliveredInOrder() throws Exception {
    RawScheduler c = client();
    subscribeAndLaunch(c, 60, true, 1, null);
    Protos.TaskStatus starting = c.next(Event.Type.UPDATE, 5000).getUpdate().getStatus();
    assertEquals(Protos.TaskState.TASK_STARTING, starting.getState());
    assertEquals(16, starting.getUuid().size());
    // not acknowledged: the same update comes again (RUNNING waits behind it)
    Protos.TaskStatus again = c.next(Event.Type.UPDATE, 5000).getUpdate().getStatus();
    assertEquals(Protos.TaskState.TASK_STARTING, again.getState());
    assertEquals(starting.getUuid(), again.getUuid());
    assertEquals(202, c.call(ack(c, starting)).statusCode());
    Protos.TaskStatus running;
    do {
      running = c.next(Event.Type.UPDATE, 5000).getUpdate().getStatus();
    } while (running.getState() == Protos.TaskState.TASK_STARTING);
    assertEquals(Protos.TaskState.TASK_RUNNING, running.getState());
    assertEquals(202, c.call(ack(c, running)).statusCode());
    // an acknowledgement must carry a UUID
    assertEquals(400, c.call(call(c, Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
        .setAgentId(running.getAgentId()).setTaskId(running.getTaskId()).setUuid(ByteString.copyFromUtf8("short"))).build()).statusCode());

    // explicit reconciliation: the known task's latest state without a uuid, an unknown one TASK_UNKNOWN
    c.events.clear();
    c.call(call(c, Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder()
        .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue("t1")))
        .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue("ghost")))).build());
    Protos.TaskStatus r1 = c.next(Event.Type.UPDATE, 5000).getUpdate().getStatus();
    Protos.TaskStatus r2 = c.next(Event.Type.UPDATE, 5000).getUpdate().getStatus();
    assertEquals(Protos.TaskState.TASK_RUNNING, r1.getState());
    assertTrue(r1.getUuid().isEmpty());
    assertEquals(Protos.TaskStatus.Reason.REASON_RECONCILIATION, r1.getReason());
    assertEquals("ghost", r2.getTaskId().getValue());
    assertEquals(Protos.TaskState.TASK_UNKNOWN, r2.getState());

    // kill: KILLED, acknowledged, then the master forgets the task
    c.call(call(c, Call.Type.KILL).setKill(Call.Kill.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue("t1"))).build());
    Protos.TaskStatus killed = c.next(Event.Type.UPDATE, 5000).getUpdate().getStatus();
    assertEquals(Protos.TaskState.TASK_KILLED, killed.getState());
    c.call(ack(c, killed));
    Poll.until("task forgotten", T, () -> sim.taskCounts(c.frameworkId).toCompletionStage().toCompletableFuture().join().isEmpty());
  }

  @Test
  void filtersSuppressAndReviveGovernOffers() throws Exception {
    RawScheduler c = client();
    c.subscribe(subscribeCall(null, 60, true));
    c.next(Event.Type.SUBSCRIBED, 5000);
    Event.Offers first = c.next(Event.Type.OFFERS, 5000).getOffers();
    assertEquals(2, first.getOffersCount());
    Call.Decline.Builder d = Call.Decline.newBuilder().setFilters(Protos.Filters.newBuilder().setRefuseSeconds(3600));
    first.getOffersList().forEach(o -> d.addOfferIds(o.getId()));
    assertEquals(202, c.call(call(c, Call.Type.DECLINE).setDecline(d).build()).statusCode());
    c.events.clear();
    c.next(Event.Type.HEARTBEAT, 5000); // a second passes: ~20 allocation cycles
    assertTrue(c.events.stream().noneMatch(e -> e.getType() == Event.Type.OFFERS), "declined agents are filtered");
    c.call(call(c, Call.Type.REVIVE).build());
    assertEquals(2, c.next(Event.Type.OFFERS, 5000).getOffers().getOffersCount(), "REVIVE clears filters");
    c.call(call(c, Call.Type.SUPPRESS).build());
    // outstanding offers stay valid; no new ones while suppressed
    c.events.clear();
    sim.addAgent().toCompletionStage().toCompletableFuture().join();
    c.next(Event.Type.HEARTBEAT, 5000);
    assertTrue(c.events.stream().noneMatch(e -> e.getType() == Event.Type.OFFERS), "no offers while suppressed");
    c.call(call(c, Call.Type.REVIVE).build());
    assertEquals(1, c.next(Event.Type.OFFERS, 5000).getOffers().getOffersCount(), "the new agent, once revived");
  }

  @Test
  void agentLossGivesFailureAndPartitionStatesAndRescindsItsOffer() throws Exception {
    RawScheduler aware = client();
    aware.subscribe(subscribeCall(null, 60, true));
    aware.next(Event.Type.SUBSCRIBED, 5000);
    Event.Offers offers = aware.next(Event.Type.OFFERS, 5000).getOffers();
    Protos.Offer o = offers.getOffers(0);
    aware.call(launch(aware, o, "t1", 1, null));
    Protos.TaskStatus s = aware.next(Event.Type.UPDATE, 5000).getUpdate().getStatus();
    aware.call(ack(aware, s));
    s = aware.next(Event.Type.UPDATE, 5000).getUpdate().getStatus();
    aware.call(ack(aware, s));
    assertEquals(Protos.TaskState.TASK_RUNNING, s.getState());
    String other = offers.getOffers(1).getAgentId().getValue();

    sim.removeAgent(other, false).toCompletionStage().toCompletableFuture().join();
    assertEquals(offers.getOffers(1).getId(), aware.next(Event.Type.RESCIND, 5000).getRescind().getOfferId());
    assertEquals(other, aware.next(Event.Type.FAILURE, 5000).getFailure().getAgentId().getValue());

    sim.removeAgent(o.getAgentId().getValue(), false).toCompletionStage().toCompletableFuture().join();
    Protos.TaskStatus unreachable = aware.next(Event.Type.UPDATE, 5000).getUpdate().getStatus();
    assertEquals(Protos.TaskState.TASK_UNREACHABLE, unreachable.getState());
    assertEquals(Protos.TaskStatus.Source.SOURCE_MASTER, unreachable.getSource());
    assertEquals(o.getAgentId().getValue(), aware.next(Event.Type.FAILURE, 5000).getFailure().getAgentId().getValue());
    // the agent comes back: a partition-aware framework sees its task RUNNING again
    sim.restoreAgent(o.getAgentId().getValue()).toCompletionStage().toCompletableFuture().join();
    Protos.TaskStatus back = aware.next(Event.Type.UPDATE, 5000).getUpdate().getStatus();
    assertEquals(Protos.TaskState.TASK_RUNNING, back.getState());
    aware.call(ack(aware, back));
  }

  @Test
  void failoverTimeoutEndsAFrameworkThatDoesNotComeBack() throws Exception {
    RawScheduler c = client();
    subscribeAndLaunch(c, 0.5, false, 4, null);
    Protos.TaskStatus s = c.next(Event.Type.UPDATE, 5000).getUpdate().getStatus();
    c.call(ack(c, s));
    String id = c.frameworkId;
    c.close();
    Poll.until("framework removed", T, () -> sim.isRemoved(id).toCompletionStage().toCompletableFuture().join());
    assertEquals(Map.of(), sim.taskCounts(id).toCompletionStage().toCompletableFuture().join());

    // coming back too late: the master says the framework has been removed
    RawScheduler late = client();
    assertEquals(200, late.subscribe(subscribeCall(id, 0.5, false)));
    assertEquals("Framework has been removed", late.next(Event.Type.ERROR, 5000).getError().getMessage());
    Poll.until("stream closed", T, () -> late.ended);

    // the resources the task held are free again: a new framework is offered the whole agent
    RawScheduler fresh = client();
    fresh.subscribe(subscribeCall(null, 60, false));
    fresh.next(Event.Type.SUBSCRIBED, 5000);
    for (Protos.Offer offer : fresh.next(Event.Type.OFFERS, 5000).getOffers().getOffersList()) {
      assertEquals(4.0, offer.getResources(0).getScalar().getValue());
    }
  }

  @Test
  void aResubscriptionWithinTheTimeoutKeepsTasksAndRedeliversUnacknowledgedUpdates() throws Exception {
    RawScheduler c = client();
    subscribeAndLaunch(c, 60, true, 1, "TASK_FINISHED:100000");
    Protos.TaskStatus starting = c.next(Event.Type.UPDATE, 5000).getUpdate().getStatus();
    String id = c.frameworkId;
    String oldStream = c.streamId;
    RawScheduler again = client();
    assertEquals(200, again.subscribe(subscribeCall(id, 60, true)));
    assertEquals(id, again.next(Event.Type.SUBSCRIBED, 5000).getSubscribed().getFrameworkId().getValue());
    assertEquals("Framework failed over", c.next(Event.Type.ERROR, 5000).getError().getMessage());
    Protos.TaskStatus redelivered = again.next(Event.Type.UPDATE, 5000).getUpdate().getStatus();
    assertEquals(starting.getUuid(), redelivered.getUuid());
    assertEquals(400, again.post(oldStream).statusCode(), "the old stream id is no longer valid");
  }
}
