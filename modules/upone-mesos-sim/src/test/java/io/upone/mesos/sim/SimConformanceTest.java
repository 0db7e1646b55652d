package io.upone.mesos.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.util.JsonFormat;
import io.upone.core.testing.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator against what Mesos 1.11 itself produces, for frameworks that read more than
 * upone does: SUBSCRIBED's master_info, offers (url, allocation_info, role), the operator
 * endpoints {@code /master/state} and the agents' {@code /slave(1)/state} and
 * {@code /monitor/statistics}. Shapes come from {@code mesos-shapes.json} (written from the Mesos
 * source); state is decoded into {@link MesosStateModel}, not the simulator's classes; events are
 * decoded by the Mesos protobuf classes and protobuf's own strict JSON parser.
 */
class SimConformanceTest {
  private static final Duration T = Duration.ofSeconds(10);
  private static final JsonShape SHAPES = JsonShape.load();
  private Vertx vertx;
  private SimMaster sim;
  private final List<RawScheduler> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    sim = join(SimMaster.start(vertx, SimOptions.forTests(2)));
  }

  @AfterEach
  void stop() throws Exception {
    for (RawScheduler c : clients) c.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private static <T> T join(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  private RawScheduler subscribed(Protos.FrameworkInfo.Capability.Type... caps) throws Exception {
    Protos.FrameworkInfo.Builder info = Protos.FrameworkInfo.newBuilder().setUser("root").setName("conformance")
        .setFailoverTimeout(60);
    for (Protos.FrameworkInfo.Capability.Type t : caps) {
      info.addCapabilities(Protos.FrameworkInfo.Capability.newBuilder().setType(t));
      if (t == Protos.FrameworkInfo.Capability.Type.MULTI_ROLE) info.addRoles("web");
    }
    RawScheduler c = new RawScheduler(sim.url());
    clients.add(c);
    assertEquals(200, c.subscribe(Call.newBuilder().setType(Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info)).build()));
    return c;
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return RawScheduler.HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode getJson(String url) throws Exception {
    HttpResponse<String> r = get(url);
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return JsonShape.JSON.readTree(r.body());
  }

  private static void assertShape(String shape, JsonNode v) {
    List<String> bad = SHAPES.mismatches(shape, v);
    assertTrue(bad.isEmpty(), shape + ": " + String.join("\n", bad));
  }

  @Test
  void subscribedCarriesMasterInfoAsCreateMasterInfoBuildsIt() throws Exception {
    RawScheduler c = subscribed();
    Protos.MasterInfo m = c.next(Event.Type.SUBSCRIBED, 5000).getSubscribed().getMasterInfo();
    assertEquals(0x0100007F, m.getIp(), "127.0.0.1 as s_addr read on a little-endian host");
    assertEquals(sim.port(), m.getPort());
    assertEquals("master@127.0.0.1:" + sim.port(), m.getPid());
    assertEquals("127.0.0.1", m.getAddress().getIp());
    assertTrue(Arrays.asList(InetAddress.getAllByName(m.getHostname())).contains(InetAddress.getByName("127.0.0.1")),
        "the hostname resolves to the master: " + m.getHostname());
    // a framework that turns ip back into an address, as Mesos-aware clients do, reaches this master
    String fromIp = (m.getIp() & 0xff) + "." + (m.getIp() >>> 8 & 0xff) + "." + (m.getIp() >>> 16 & 0xff) + "." + (m.getIp() >>> 24);
    assertEquals(200, get("http://" + fromIp + ":" + m.getPort() + "/master/state").statusCode());
  }

  @Test
  void masterInfoFollowsTheBoundHost() throws Exception {
    SimMaster other = join(SimMaster.start(vertx, SimOptions.forTests(1).withPort("127.0.1.1", 0)));
    RawScheduler c = new RawScheduler(other.url());
    clients.add(c);
    c.subscribe(SimProtocolTest.subscribeCall(null, 10, true));
    Protos.MasterInfo m = c.next(Event.Type.SUBSCRIBED, 5000).getSubscribed().getMasterInfo();
    assertEquals(0x0101007F, m.getIp());
    assertEquals("127.0.1.1", m.getAddress().getIp());
    assertEquals("master@127.0.1.1:" + other.port(), m.getPid());
  }

  @Test
  void eventsInJsonParseStrictlyIntoTheMesosProtobufs() throws Exception {
    Call subscribe = SimProtocolTest.subscribeCall(null, 10, true);
    HttpResponse<InputStream> resp = RawScheduler.HTTP.send(HttpRequest.newBuilder(URI.create(sim.url() + "/api/v1/scheduler"))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JsonFormat.printer().print(subscribe))).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, resp.statusCode());
    JsonFormat.Parser strict = JsonFormat.parser(); // unknown fields are errors
    try (DataInputStream in = new DataInputStream(resp.body())) {
      Event subscribed = parse(strict, record(in));
      assertEquals(Event.Type.SUBSCRIBED, subscribed.getType());
      assertTrue(subscribed.isInitialized());
      Event offers;
      do {
        offers = parse(strict, record(in));
      } while (offers.getType() != Event.Type.OFFERS);
      assertTrue(offers.isInitialized(), "required fields of Offer, Resource, URL and Address are set");
      assertEquals(2, offers.getOffers().getOffersCount());
      assertTrue(offers.getOffers().getOffers(0).hasUrl());
    }
  }

  private static Event parse(JsonFormat.Parser parser, String json) throws Exception {
    Event.Builder b = Event.newBuilder();
    parser.merge(json, b);
    return b.build();
  }

  private static String record(DataInputStream in) throws Exception {
    StringBuilder len = new StringBuilder();
    int ch;
    while ((ch = in.read()) != '\n') {
      if (ch < 0) throw new AssertionError("stream ended");
      len.append((char) ch);
    }
    byte[] b = new byte[Integer.parseInt(len.toString())];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void offersCarryTheAgentUrlAndAllocationInfoOnlyForMultiRoleFrameworks() throws Exception {
    // a framework without capabilities: no allocation_info anywhere, pre-refinement role "*"
    RawScheduler plain = subscribed();
    plain.next(Event.Type.SUBSCRIBED, 5000);
    Event.Offers offers = plain.next(Event.Type.OFFERS, 5000).getOffers();
    for (Protos.Offer o : offers.getOffersList()) {
      assertFalse(o.hasAllocationInfo(), "no allocation_info for a framework that is not MULTI_ROLE");
      for (Protos.Resource r : o.getResourcesList()) {
        assertFalse(r.hasAllocationInfo(), r.getName());
        assertEquals("*", r.getRole(), r.getName());
      }
      checkAgentUrl(o);
    }
    decline(plain, offers);

    RawScheduler multiRole = subscribed(Protos.FrameworkInfo.Capability.Type.MULTI_ROLE);
    multiRole.next(Event.Type.SUBSCRIBED, 5000);
    offers = multiRole.next(Event.Type.OFFERS, 5000).getOffers();
    for (Protos.Offer o : offers.getOffersList()) {
      assertEquals("web", o.getAllocationInfo().getRole());
      for (Protos.Resource r : o.getResourcesList()) {
        assertEquals("web", r.getAllocationInfo().getRole(), r.getName());
        assertEquals("*", r.getRole(), "still pre-refinement without RESERVATION_REFINEMENT");
      }
    }
    decline(multiRole, offers);

    RawScheduler refined = subscribed(Protos.FrameworkInfo.Capability.Type.MULTI_ROLE,
        Protos.FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT);
    refined.next(Event.Type.SUBSCRIBED, 5000);
    for (Protos.Offer o : refined.next(Event.Type.OFFERS, 5000).getOffers().getOffersList()) {
      assertTrue(o.hasAllocationInfo());
      for (Protos.Resource r : o.getResourcesList()) assertFalse(r.hasRole(), "refinement-aware: reservations, no role");
    }
  }

  @Test
  void inverseOffersNameTheAgentAsOffersDo() throws Exception {
    RawScheduler c = subscribed();
    c.next(Event.Type.SUBSCRIBED, 5000);
    Protos.Offer o = c.next(Event.Type.OFFERS, 5000).getOffers().getOffers(0);
    join(sim.inverseOffer(o.getAgentId().getValue()));
    Protos.InverseOffer io = c.next(Event.Type.INVERSE_OFFERS, 5000).getInverseOffers().getInverseOffers(0);
    assertEquals(o.getAgentId(), io.getAgentId());
    assertEquals(o.getUrl(), io.getUrl());
    assertTrue(io.getUnavailability().getStart().getNanoseconds() > 0);
  }

  private static void decline(RawScheduler c, Event.Offers offers) throws Exception {
    Call.Decline.Builder d = Call.Decline.newBuilder().setFilters(Protos.Filters.newBuilder().setRefuseSeconds(3600));
    offers.getOffersList().forEach(o -> d.addOfferIds(o.getId()));
    assertEquals(202, c.call(Call.newBuilder().setType(Call.Type.DECLINE)
        .setFrameworkId(Protos.FrameworkID.newBuilder().setValue(c.frameworkId)).setDecline(d).build()).statusCode());
  }

  /** The offer's url names the agent's own address, its hostname resolves there, and the agent answers at it. */
  private static void checkAgentUrl(Protos.Offer o) throws Exception {
    Protos.URL url = o.getUrl();
    assertEquals("http", url.getScheme());
    assertEquals("/slave(1)", url.getPath());
    assertEquals(o.getHostname(), url.getAddress().getHostname());
    InetAddress ip = InetAddress.getByName(url.getAddress().getIp());
    assertTrue(ip.isLoopbackAddress() && !ip.getHostAddress().equals("127.0.0.1"), "an agent address of its own: " + ip);
    assertEquals(ip, InetAddress.getByName(o.getHostname()), "the hostname resolves to the agent");
    String base = "http://" + url.getAddress().getIp() + ":" + url.getAddress().getPort();
    JsonNode state = getJson(base + url.getPath() + "/state");
    assertShape("agent_state", state);
    assertEquals(o.getAgentId().getValue(), state.get("id").asText());
    assertEquals("slave(1)@" + url.getAddress().getIp() + ":" + url.getAddress().getPort(), state.get("pid").asText());
    assertTrue(getJson(base + "/monitor/statistics").isArray());
  }

  @Test
  void masterStateHasMesossShapeAndDecodesIntoAnIndependentModel() throws Exception {
    RawScheduler c = subscribed(Protos.FrameworkInfo.Capability.Type.PARTITION_AWARE);
    c.next(Event.Type.SUBSCRIBED, 5000);
    Event.Offers offers = c.next(Event.Type.OFFERS, 5000).getOffers();
    Protos.Offer o = offers.getOffers(0);
    Protos.TaskInfo task = Protos.TaskInfo.newBuilder().setName("web").setTaskId(Protos.TaskID.newBuilder().setValue("t1"))
        .setAgentId(o.getAgentId()).setCommand(Protos.CommandInfo.newBuilder().setValue("sleep 100"))
        .setLabels(Protos.Labels.newBuilder().addLabels(Protos.Label.newBuilder().setKey("app").setValue("/web")))
        .addResources(scalar("cpus", 1)).addResources(scalar("mem", 64))
        .addResources(Protos.Resource.newBuilder().setName("ports").setType(Protos.Value.Type.RANGES)
            .setRanges(Protos.Value.Ranges.newBuilder().addRange(Protos.Value.Range.newBuilder().setBegin(31000).setEnd(31000))))
        .build();
    assertEquals(202, c.call(Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(fw(c)).setAccept(Call.Accept.newBuilder()
        .addOfferIds(o.getId()).addOperations(Protos.Offer.Operation.newBuilder().setType(Protos.Offer.Operation.Type.LAUNCH)
            .setLaunch(Protos.Offer.Operation.Launch.newBuilder().addTaskInfos(task)))).build()).statusCode());
    for (int i = 0; i < 2; i++) ack(c, c.next(Event.Type.UPDATE, 5000).getUpdate().getStatus()); // STARTING, RUNNING

    JsonNode raw = getJson(sim.url() + "/master/state");
    assertShape("master_state", raw);
    assertShape("master_state", getJson(sim.url() + "/state"));
    MesosStateModel.State s = JsonShape.JSON.treeToValue(raw, MesosStateModel.State.class);
    String pid = "master@127.0.0.1:" + sim.port();
    assertEquals(pid, s.pid());
    assertEquals(pid, s.leader(), "leader is the leading master's pid");
    assertEquals(pid, s.leaderInfo().pid());
    assertEquals(sim.port(), s.leaderInfo().port());
    assertEquals(2.0, s.activatedSlaves());
    assertEquals(Set.of(o.getAgentId().getValue(), offers.getOffers(1).getAgentId().getValue()),
        s.slaves().stream().map(MesosStateModel.Agent::id).collect(Collectors.toSet()));
    MesosStateModel.Agent agent = s.slaves().stream().filter(a -> a.id().equals(o.getAgentId().getValue())).findFirst().orElseThrow();
    assertEquals(o.getHostname(), agent.hostname());
    assertEquals(4.0, agent.resources().cpus());
    assertEquals(1.0, agent.usedResources().cpus());
    assertEquals("[31000-31999]", agent.resources().ports());
    assertEquals("[31000-31000]", agent.usedResources().ports());
    assertTrue(agent.attributes().containsKey("rack") && agent.attributes().containsKey("zone"), agent.attributes().toString());

    MesosStateModel.Framework f = s.frameworks().get(0);
    assertEquals(c.frameworkId, f.id());
    assertTrue(f.active() && f.connected());
    assertEquals("*", f.role());
    assertEquals(List.of("PARTITION_AWARE"), f.capabilities());
    assertEquals(1, f.tasks().size());
    MesosStateModel.Task t = f.tasks().get(0);
    assertEquals("t1", t.id());
    assertEquals("TASK_RUNNING", t.state());
    assertEquals(o.getAgentId().getValue(), t.slaveId());
    assertEquals(List.of("TASK_STARTING", "TASK_RUNNING"), t.statuses().stream().map(MesosStateModel.Status::state).toList());
    assertEquals(List.of(new MesosStateModel.Label("app", "/web")), t.labels());

    // the agent's own endpoints see the task under its command executor
    String agentBase = "http://" + o.getUrl().getAddress().getIp() + ":" + o.getUrl().getAddress().getPort();
    JsonNode agentState = getJson(agentBase + "/slave(1)/state");
    assertShape("agent_state", agentState);
    assertEquals("t1", agentState.at("/frameworks/0/executors/0/tasks/0/id").asText());
    JsonNode stats = getJson(agentBase + "/monitor/statistics");
    assertEquals(1, stats.size());
    assertShape("statistics_entry", stats.get(0));
    assertEquals("t1", stats.get(0).get("executor_id").asText());

    // killed and acknowledged: the master keeps it among completed tasks
    c.call(Call.newBuilder().setType(Call.Type.KILL).setFrameworkId(fw(c))
        .setKill(Call.Kill.newBuilder().setTaskId(task.getTaskId())).build());
    ack(c, c.next(Event.Type.UPDATE, 5000).getUpdate().getStatus());
    Poll.until("t1 completed", T, () -> {
      try {
        MesosStateModel.Framework now = JsonShape.JSON.treeToValue(getJson(sim.url() + "/master/state"), MesosStateModel.State.class)
            .frameworks().get(0);
        return now.tasks().isEmpty() && now.completedTasks().size() == 1
            && now.completedTasks().get(0).state().equals("TASK_KILLED");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    // an agent lost: it leaves the registered agents and is counted unreachable
    join(sim.removeAgent(offers.getOffers(1).getAgentId().getValue(), false));
    JsonNode after = getJson(sim.url() + "/master/state");
    assertShape("master_state", after);
    assertEquals(1.0, after.get("activated_slaves").asDouble());
    assertEquals(1.0, after.get("unreachable_slaves").asDouble());
    assertEquals(1, after.get("slaves").size());
  }

  @Test
  void theSimulatorsOwnCountersMovedToSimState() throws Exception {
    RawScheduler c = subscribed();
    c.next(Event.Type.SUBSCRIBED, 5000);
    c.next(Event.Type.OFFERS, 5000);
    JsonNode own = getJson(sim.url() + "/sim/state");
    assertTrue(own.get("offers_sent").asLong() >= 2, own.toString());
    assertEquals(2, own.at("/agents/total").asInt());
    assertNotNull(own.get("updates_resent"));
    assertFalse(getJson(sim.url() + "/master/state").has("offers_sent"), "no simulator counters in the Mesos shape");
  }

  @Test
  void aMasterThatDoesNotLeadSendsStateReadersToTheLeader() throws Exception {
    join(sim.setLeader("127.0.0.1:5999"));
    HttpResponse<String> r = get(sim.url() + "/master/state?jsonp=x");
    assertEquals(307, r.statusCode());
    assertEquals("//127.0.0.1:5999/master/state?jsonp=x", r.headers().firstValue("Location").orElseThrow());
  }

  private static Protos.FrameworkID fw(RawScheduler c) {
    return Protos.FrameworkID.newBuilder().setValue(c.frameworkId).build();
  }

  private static void ack(RawScheduler c, Protos.TaskStatus s) throws Exception {
    assertEquals(202, c.call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setFrameworkId(fw(c))
        .setAcknowledge(Call.Acknowledge.newBuilder().setAgentId(s.getAgentId()).setTaskId(s.getTaskId()).setUuid(s.getUuid()))
        .build()).statusCode());
  }

  private static Protos.Resource scalar(String name, double v) {
    return Protos.Resource.newBuilder().setName(name).setType(Protos.Value.Type.SCALAR)
        .setScalar(Protos.Value.Scalar.newBuilder().setValue(v)).build();
  }
}
