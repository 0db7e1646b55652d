package io.upone.mesos.sim;

import com.google.protobuf.ByteString;
import io.upone.mesos.MesosCodec;
import io.upone.mesos.RecordIo;
import io.upone.mesos.sim.SimFramework.Filter;
import io.upone.mesos.sim.SimFramework.SimOffer;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated Mesos master serving the v1 scheduler HTTP API ({@code POST /api/v1/scheduler})
 * over simulated agents. It follows the API's documented behaviour: protobuf and JSON, RecordIO
 * framing, Mesos-Stream-Id checks, heartbeats, offers from an allocation cycle with filters and
 * refuse_seconds, SUPPRESS/REVIVE, launches going STARTING → RUNNING, status updates resent until
 * acknowledged, reconciliation, agent loss (FAILURE and UNREACHABLE/LOST), rescinds,
 * failover_timeout, 307 from a non-leading master, and the documented status codes and error
 * texts. Tasks are bookkeeping, not processes. Everything runs on the verticle's context.
 */
public final class SimMaster extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(SimMaster.class);
  static final String PATH = "/api/v1/scheduler";
  static final String STREAM_ID = "Mesos-Stream-Id";

  private final SimOptions options;
  private final String masterId = UUID.randomUUID().toString();
  private final Map<String, SimAgent> agents = new LinkedHashMap<>();
  private final Map<String, SimFramework> frameworks = new LinkedHashMap<>();
  private final Set<String> removedFrameworks = new HashSet<>();
  private final Map<String, SimOffer> offerIndex = new LinkedHashMap<>();
  private final Set<SimTask> awaitingAck = new HashSet<>();
  private final Map<Call.Type, AtomicLong> calls = new EnumMap<>(Call.Type.class);
  private final AtomicLong offersSent = new AtomicLong();
  private final AtomicLong updatesSent = new AtomicLong();
  private final AtomicLong updatesResent = new AtomicLong();
  private HttpServer server;
  private long frameworkSeq;
  private long offerSeq;
  private int agentSeq;
  private int rotation;
  private String leader;

  public SimMaster(SimOptions options) {
    this.options = options;
    this.leader = options.leader();
  }

  /** Starts a simulator in its own Vert.x instance; completes with it once it listens. */
  public static Future<SimMaster> start(Vertx vertx, SimOptions options) {
    SimMaster m = new SimMaster(options);
    return vertx.deployVerticle(m).map(id -> m);
  }

  @Override
  public void start(Promise<Void> started) {
    for (int i = 0; i < options.agents(); i++) addAgentNow();
    server = vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(options.port())
        .setIdleTimeout(0));
    server.requestHandler(this::route).listen().<Void>mapEmpty().onComplete(started);
    vertx.setPeriodic(options.offerIntervalMs(), id -> allocate());
    vertx.setPeriodic((long) (options.heartbeatSeconds() * 1000), id -> heartbeat());
    vertx.setPeriodic(Math.max(20, options.updateRetryMs() / 4), id -> resendUnacknowledged());
  }

  public int port() {
    return server.actualPort();
  }

  public String url() {
    return "http://" + options.host() + ":" + port();
  }

  // ---- test and operator controls (thread-safe: they hop onto the master's context) ------------

  private <T> Future<T> onContext(Supplier<T> action) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        p.complete(action.get());
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return p.future();
  }

  /** Adds an agent; it is offered at the next allocation. Completes with its id. */
  public Future<String> addAgent() {
    return onContext(() -> addAgentNow().id);
  }

  /**
   * Takes an agent away. {@code gone == false}: it became unreachable (partition-aware frameworks
   * get TASK_UNREACHABLE, others TASK_LOST); {@code gone == true}: an operator marked it gone
   * (TASK_GONE_BY_OPERATOR / TASK_LOST). Either way every framework gets FAILURE for the agent
   * and offers of it are rescinded.
   */
  public Future<Integer> removeAgent(String agentId, boolean gone) {
    return onContext(() -> {
      SimAgent a = agents.get(agentId);
      if (a == null || a.health != SimAgent.Health.ACTIVE) throw new IllegalArgumentException("no active agent " + agentId);
      a.health = gone ? SimAgent.Health.GONE : SimAgent.Health.UNREACHABLE;
      if (a.offeredAs != null) rescind(offerIndex.get(a.offeredAs));
      int affected = 0;
      for (SimFramework f : frameworks.values()) {
        for (SimTask t : new ArrayList<>(f.tasks.values())) {
          if (!t.agentId.equals(agentId) || t.terminal()) continue;
          affected++;
          releaseResources(t);
          TaskState st = !f.partitionAware() ? TaskState.TASK_LOST
              : gone ? TaskState.TASK_GONE_BY_OPERATOR : TaskState.TASK_UNREACHABLE;
          TaskStatus.Reason reason = gone ? TaskStatus.Reason.REASON_AGENT_REMOVED_BY_OPERATOR
              : TaskStatus.Reason.REASON_AGENT_REMOVED;
          t.state = st;
          dropPending(t);
          f.tasks.remove(t.id);
          if (st == TaskState.TASK_UNREACHABLE) f.unreachable.put(t.id, t);
          sendNow(f, update(masterStatus(t, st, reason, "agent " + agentId + (gone ? " is gone" : " is unreachable"))));
        }
        send(f, Event.newBuilder().setType(Event.Type.FAILURE).setFailure(Event.Failure.newBuilder()
            .setAgentId(Protos.AgentID.newBuilder().setValue(agentId))).build());
      }
      return affected;
    });
  }

  /**
   * An unreachable agent comes back: partition-aware frameworks see its tasks RUNNING again,
   * others get them killed (Mesos shuts down tasks of non-partition-aware frameworks then).
   */
  public Future<Void> restoreAgent(String agentId) {
    return onContext(() -> {
      SimAgent a = agents.get(agentId);
      if (a == null || a.health != SimAgent.Health.UNREACHABLE) throw new IllegalArgumentException("agent " + agentId + " is not unreachable");
      a.health = SimAgent.Health.ACTIVE;
      for (SimFramework f : frameworks.values()) {
        for (SimTask t : new ArrayList<>(f.unreachable.values())) {
          if (!t.agentId.equals(agentId)) continue;
          f.unreachable.remove(t.id);
          f.tasks.put(t.id, t);
          a.hold(t.cpus, t.mem, t.disk, t.ports);
          t.released = false;
          transition(f, t, TaskState.TASK_RUNNING, null, "agent " + agentId + " reregistered");
        }
      }
      return null;
    });
  }

  /** Ends a running task as its process would (FINISHED, FAILED, KILLED...). */
  public Future<Void> endTask(String taskId, TaskState state, String message) {
    return onContext(() -> {
      for (SimFramework f : frameworks.values()) {
        SimTask t = f.tasks.get(taskId);
        if (t != null && !t.terminal()) {
          transition(f, t, state, state == TaskState.TASK_FAILED ? TaskStatus.Reason.REASON_COMMAND_EXECUTOR_FAILED : null,
              message);
          return null;
        }
      }
      throw new IllegalArgumentException("no live task " + taskId);
    });
  }

  /** Breaks every subscription stream, as a network fault would; frameworks then fail over. */
  public Future<Integer> dropStreams() {
    return onContext(() -> {
      int n = 0;
      for (SimFramework f : frameworks.values()) {
        if (f.stream != null) {
          n++;
          f.stream.reset();
          disconnected(f, f.streamId);
        }
      }
      return n;
    });
  }

  /** Sends an inverse offer (maintenance) for an agent to every connected framework. */
  public Future<Void> inverseOffer(String agentId) {
    return onContext(() -> {
      for (SimFramework f : frameworks.values()) {
        send(f, Event.newBuilder().setType(Event.Type.INVERSE_OFFERS).setInverseOffers(Event.InverseOffers.newBuilder()
            .addInverseOffers(Protos.InverseOffer.newBuilder()
                .setId(Protos.OfferID.newBuilder().setValue(masterId + "-IO" + (++offerSeq)))
                .setFrameworkId(Protos.FrameworkID.newBuilder().setValue(f.id))
                .setAgentId(Protos.AgentID.newBuilder().setValue(agentId))
                .setUnavailability(Protos.Unavailability.newBuilder().setStart(Protos.TimeInfo.newBuilder()
                    .setNanoseconds(System.currentTimeMillis() * 1_000_000L))))).build());
      }
      return null;
    });
  }

  /** Makes this master answer 307 towards {@code hostPort} (null: lead again). */
  public Future<Void> setLeader(String hostPort) {
    return onContext(() -> {
      leader = hostPort;
      return null;
    });
  }

  /** A snapshot of what the master knows (tests, {@code GET /state}). */
  public Future<JsonObject> state() {
    return onContext(this::stateJson);
  }

  /** Live tasks per state of one framework (all frameworks when id is null). */
  public Future<Map<String, Integer>> taskCounts(String frameworkId) {
    return onContext(() -> {
      Map<String, Integer> out = new LinkedHashMap<>();
      for (SimFramework f : frameworks.values()) {
        if (frameworkId != null && !f.id.equals(frameworkId)) continue;
        for (SimTask t : f.tasks.values()) out.merge(t.state.name(), 1, Integer::sum);
        for (SimTask t : f.unreachable.values()) out.merge(t.state.name(), 1, Integer::sum);
      }
      return out;
    });
  }

  /** Tasks a framework has that are not terminal, with their agents. */
  public Future<Map<String, String>> liveTasks(String frameworkId) {
    return onContext(() -> {
      Map<String, String> out = new LinkedHashMap<>();
      SimFramework f = frameworks.get(frameworkId);
      if (f != null) for (SimTask t : f.tasks.values()) if (!t.terminal()) out.put(t.id, t.agentId);
      return out;
    });
  }

  public Future<List<String>> frameworkIds() {
    return onContext(() -> List.copyOf(frameworks.keySet()));
  }

  public Future<Boolean> isConnected(String frameworkId) {
    return onContext(() -> frameworks.containsKey(frameworkId) && frameworks.get(frameworkId).connected);
  }

  public Future<Boolean> isRemoved(String frameworkId) {
    return onContext(() -> removedFrameworks.contains(frameworkId));
  }

  public Future<Boolean> isSuppressed(String frameworkId) {
    return onContext(() -> frameworks.containsKey(frameworkId) && frameworks.get(frameworkId).suppressed);
  }

  /** How many calls of a type the master accepted (answered 202/200). */
  public long calls(Call.Type type) {
    AtomicLong n;
    synchronized (calls) {
      n = calls.get(type);
    }
    return n == null ? 0 : n.get();
  }

  public long offersSent() {
    return offersSent.get();
  }

  public long updatesResent() {
    return updatesResent.get();
  }

  // ---- HTTP ----------------------------------------------------------------------------------------

  private void route(HttpServerRequest req) {
    String path = req.path();
    if (path.equals(PATH)) {
      req.body().onSuccess(body -> scheduler(req, body));
    } else if (path.equals("/state") || path.equals("/master/state")) {
      req.response().putHeader("Content-Type", "application/json").end(stateJson().encodePrettily());
    } else if (path.equals("/redirect") || path.equals("/master/redirect")) {
      // as a Mesos master: 307 to the leading master (this one, or the one it names)
      String target = leader != null ? leader : options.host() + ":" + port();
      req.response().setStatusCode(307).putHeader("Location", "//" + target).end();
    } else if (path.equals("/health")) {
      req.response().setStatusCode(200).end();
    } else if (path.startsWith("/sim/") && req.method() == HttpMethod.POST) {
      admin(req, path.substring(5).split("/"));
    } else {
      req.response().setStatusCode(404).end();
    }
  }

  /** Operator controls for demos: agents/{id}/remove[?gone=true], agents/{id}/restore, agents (add), tasks/{id}/end?state=, streams/drop. */
  private void admin(HttpServerRequest req, String[] parts) {
    Future<?> f;
    if (parts.length == 1 && parts[0].equals("agents")) {
      f = addAgent();
    } else if (parts.length == 3 && parts[0].equals("agents") && parts[2].equals("remove")) {
      f = removeAgent(parts[1], "true".equals(req.getParam("gone")));
    } else if (parts.length == 3 && parts[0].equals("agents") && parts[2].equals("restore")) {
      f = restoreAgent(parts[1]);
    } else if (parts.length == 3 && parts[0].equals("tasks") && parts[2].equals("end")) {
      TaskState st;
      try {
        st = TaskState.valueOf(req.getParam("state", "TASK_FINISHED"));
      } catch (IllegalArgumentException e) {
        req.response().setStatusCode(400).end("unknown state " + req.getParam("state"));
        return;
      }
      f = endTask(parts[1], st, "ended by the simulator's operator");
    } else if (parts.length == 2 && parts[0].equals("streams") && parts[1].equals("drop")) {
      f = dropStreams();
    } else {
      req.response().setStatusCode(404).end();
      return;
    }
    f.onSuccess(v -> req.response().setStatusCode(200).end(String.valueOf(v)))
        .onFailure(t -> req.response().setStatusCode(400).end(t.getMessage()));
  }

  private static void reply(HttpServerRequest req, int status, String text) {
    HttpServerResponse r = req.response().setStatusCode(status);
    if (text.isEmpty()) {
      r.end();
    } else {
      r.putHeader("Content-Type", "text/plain; charset=utf-8").end(text);
    }
  }

  private void scheduler(HttpServerRequest req, Buffer body) {
    if (req.method() != HttpMethod.POST) {
      reply(req, 405, "Expecting a 'POST' request, received '" + req.method() + "'");
      return;
    }
    if (leader != null) {
      req.response().setStatusCode(307).putHeader("Location", "//" + leader + PATH).end();
      return;
    }
    String contentType = req.getHeader("Content-Type");
    if (contentType == null) {
      reply(req, 400, "Expecting 'Content-Type' to be present");
      return;
    }
    MesosCodec codec = MesosCodec.of(contentType);
    if (codec == null) {
      reply(req, 415, "Expecting 'Content-Type' of application/json or application/x-protobuf");
      return;
    }
    Call call;
    try {
      call = codec.decode(body.getBytes(), Call.newBuilder());
    } catch (IllegalArgumentException e) {
      reply(req, 400, "Failed to parse body into Call protobuf: " + e.getMessage());
      return;
    }
    String invalid = validate(call);
    if (invalid != null) {
      reply(req, 400, "Failed to validate scheduler::Call: " + invalid);
      return;
    }
    if (call.getType() == Call.Type.SUBSCRIBE) {
      MesosCodec accept = MesosCodec.accepted(req.getHeader("Accept"));
      if (accept == null) {
        reply(req, 406, "Expecting 'Accept' to allow 'application/json' or 'application/x-protobuf'");
        return;
      }
      if (req.getHeader(STREAM_ID) != null) {
        reply(req, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
        return;
      }
      count(call.getType());
      subscribe(req, call, accept);
      return;
    }
    SimFramework f = frameworks.get(call.getFrameworkId().getValue());
    if (f == null) {
      reply(req, 400, "Framework cannot be found");
      return;
    }
    if (!f.connected) {
      reply(req, 403, "Framework is not subscribed");
      return;
    }
    String streamId = req.getHeader(STREAM_ID);
    if (streamId == null) {
      reply(req, 400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
      return;
    }
    if (!streamId.equals(f.streamId)) {
      reply(req, 400, "The stream ID '" + streamId + "' included in this request didn't match the stream ID "
          + "currently associated with framework ID " + f.id);
      return;
    }
    String refused = dispatch(f, call);
    if (refused != null) {
      reply(req, 400, refused);
      return;
    }
    count(call.getType());
    reply(req, 202, "");
  }

  private void count(Call.Type t) {
    synchronized (calls) {
      calls.computeIfAbsent(t, k -> new AtomicLong()).incrementAndGet();
    }
  }

  /** The checks of Mesos's scheduler call validation, with its messages. */
  static String validate(Call c) {
    if (!c.hasType()) return "Expecting 'type' to be present";
    if (c.getType() == Call.Type.SUBSCRIBE) {
      if (!c.hasSubscribe()) return "Expecting 'subscribe' to be present";
      Protos.FrameworkInfo info = c.getSubscribe().getFrameworkInfo();
      if (c.hasFrameworkId() && !(info.hasId() && info.getId().equals(c.getFrameworkId()))) {
        return "'framework_id' differs from 'subscribe.framework_info.id'";
      }
      return null;
    }
    if (!c.hasFrameworkId()) return "Expecting 'framework_id' to be present";
    return switch (c.getType()) {
      case ACCEPT -> c.hasAccept() ? null : "Expecting 'accept' to be present";
      case DECLINE -> c.hasDecline() ? null : "Expecting 'decline' to be present";
      case KILL -> c.hasKill() ? null : "Expecting 'kill' to be present";
      case SHUTDOWN -> c.hasShutdown() ? null : "Expecting 'shutdown' to be present";
      case ACKNOWLEDGE -> {
        if (!c.hasAcknowledge()) yield "Expecting 'acknowledge' to be present";
        yield c.getAcknowledge().getUuid().size() == 16 ? null : "Failed to parse UUID from 'acknowledge.uuid'";
      }
      case RECONCILE -> c.hasReconcile() ? null : "Expecting 'reconcile' to be present";
      case MESSAGE -> c.hasMessage() ? null : "Expecting 'message' to be present";
      case REQUEST -> c.hasRequest() ? null : "Expecting 'request' to be present";
      case ACCEPT_INVERSE_OFFERS -> c.hasAcceptInverseOffers() ? null : "Expecting 'accept_inverse_offers' to be present";
      case DECLINE_INVERSE_OFFERS -> c.hasDeclineInverseOffers() ? null : "Expecting 'decline_inverse_offers' to be present";
      case UPDATE_FRAMEWORK -> c.hasUpdateFramework() ? null : "Expecting 'update_framework' to be present";
      case TEARDOWN, REVIVE, SUPPRESS, RECONCILE_OPERATIONS, ACKNOWLEDGE_OPERATION_STATUS -> null;
      default -> "Unknown call type " + c.getType();
    };
  }

  // ---- subscription ------------------------------------------------------------------------------

  private void subscribe(HttpServerRequest req, Call call, MesosCodec codec) {
    Protos.FrameworkInfo info = call.getSubscribe().getFrameworkInfo();
    HttpServerResponse resp = req.response().setStatusCode(200).setChunked(true)
        .putHeader("Content-Type", codec.mediaType())
        .putHeader("Cache-Control", "no-cache");
    String id = info.hasId() ? info.getId().getValue() : "";
    if (!id.isEmpty() && removedFrameworks.contains(id)) {
      resp.write(RecordIo.frame(codec.encode(Event.newBuilder().setType(Event.Type.ERROR)
          .setError(Event.Error.newBuilder().setMessage("Framework has been removed")).build())));
      resp.end();
      return;
    }
    SimFramework f = id.isEmpty() ? null : frameworks.get(id);
    if (f == null) {
      id = id.isEmpty() ? masterId + "-" + String.format("%04d", frameworkSeq++) : id;
      f = new SimFramework(id, info.toBuilder().setId(Protos.FrameworkID.newBuilder().setValue(id)).build());
      frameworks.put(id, f);
      LOG.info("framework {} ({}) subscribed", id, info.getName());
    } else {
      if (f.stream != null) {
        // another scheduler instance took over: the old stream is told and closed
        HttpServerResponse old = f.stream;
        writeEvent(old, f.codec, Event.newBuilder().setType(Event.Type.ERROR)
            .setError(Event.Error.newBuilder().setMessage("Framework failed over")).build());
        f.stream = null;
        old.end();
      }
      f.info = info.toBuilder().setId(Protos.FrameworkID.newBuilder().setValue(id)).build();
      LOG.info("framework {} resubscribed", id);
    }
    if (f.failoverTimer >= 0) {
      vertx.cancelTimer(f.failoverTimer);
      f.failoverTimer = -1;
    }
    String streamId = UUID.randomUUID().toString();
    f.streamId = streamId;
    f.stream = resp;
    f.codec = codec;
    f.connected = true;
    f.suppressed = call.getSubscribe().getSuppressedRolesCount() > 0;
    resp.putHeader(STREAM_ID, streamId);
    SimFramework fw = f;
    resp.closeHandler(v -> disconnected(fw, streamId));
    writeEvent(resp, codec, Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
        .setFrameworkId(Protos.FrameworkID.newBuilder().setValue(id))
        .setHeartbeatIntervalSeconds(options.heartbeatSeconds())
        .setMasterInfo(masterInfo())).build());
    if (!f.suppressed) allocateSoon();
    // updates not yet acknowledged are delivered again on the new stream
    for (SimTask t : f.tasks.values()) {
      if (t.inFlight != null) {
        sendNow(f, update(t.inFlight));
        t.resendAtMs = System.currentTimeMillis() + t.retryMs;
      } else {
        deliverNext(f, t);
      }
    }
  }

  private Protos.MasterInfo masterInfo() {
    return Protos.MasterInfo.newBuilder().setId(masterId).setIp(0x7f000001).setPort(port())
        .setHostname(options.host()).setVersion("1.11.0")
        .setAddress(Protos.Address.newBuilder().setHostname(options.host()).setIp(options.host()).setPort(port()))
        .build();
  }

  private void disconnected(SimFramework f, String streamId) {
    if (!streamId.equals(f.streamId) || !f.connected) return;
    f.connected = false;
    f.stream = null;
    for (SimOffer o : new ArrayList<>(f.offers.values())) releaseOffer(f, o);
    double timeout = f.info.getFailoverTimeout();
    LOG.info("framework {} disconnected; failover timeout {} s", f.id, timeout);
    f.failoverTimer = vertx.setTimer(Math.max(1, (long) (timeout * 1000)), id -> {
      f.failoverTimer = -1;
      if (!f.connected) removeFramework(f, "failover timeout expired");
    });
  }

  private void removeFramework(SimFramework f, String why) {
    LOG.info("removing framework {}: {}", f.id, why);
    for (SimOffer o : new ArrayList<>(f.offers.values())) releaseOffer(f, o);
    for (SimTask t : f.tasks.values()) {
      releaseResources(t);
      t.state = TaskState.TASK_KILLED;
      dropPending(t);
    }
    f.tasks.clear();
    f.unreachable.clear();
    frameworks.remove(f.id);
    removedFrameworks.add(f.id);
    if (f.failoverTimer >= 0) vertx.cancelTimer(f.failoverTimer);
    if (f.stream != null) {
      HttpServerResponse s = f.stream;
      f.stream = null;
      f.connected = false;
      s.end();
    }
  }

  // ---- calls -------------------------------------------------------------------------------------

  /** Applies a validated call; a non-null answer is a 400 message. */
  private String dispatch(SimFramework f, Call c) {
    switch (c.getType()) {
      case ACCEPT -> accept(f, c.getAccept());
      case DECLINE -> {
        double refuse = c.getDecline().getFilters().hasRefuseSeconds() ? c.getDecline().getFilters().getRefuseSeconds() : 5;
        for (Protos.OfferID id : c.getDecline().getOfferIdsList()) {
          SimOffer o = f.offers.get(id.getValue());
          if (o == null) continue; // Mesos ignores offers it no longer has
          filter(f, o, refuse);
          releaseOffer(f, o);
        }
      }
      case KILL -> kill(f, c.getKill());
      case SHUTDOWN -> {
        String executor = c.getShutdown().getExecutorId().getValue();
        for (SimTask t : new ArrayList<>(f.tasks.values())) {
          if (!t.terminal() && executorOf(t).equals(executor)) transition(f, t, TaskState.TASK_KILLED, null, "executor shut down");
        }
      }
      case ACKNOWLEDGE -> acknowledge(f, c.getAcknowledge());
      case RECONCILE -> reconcile(f, c.getReconcile());
      case REVIVE -> {
        f.suppressed = false;
        f.filters.clear();
        allocateSoon(); // as Mesos's allocator: a revive triggers an allocation, not only the next interval
      }
      case SUPPRESS -> f.suppressed = true;
      case TEARDOWN -> context.runOnContext(v -> removeFramework(f, "teardown"));
      case UPDATE_FRAMEWORK -> f.info = c.getUpdateFramework().getFrameworkInfo().toBuilder()
          .setId(Protos.FrameworkID.newBuilder().setValue(f.id)).build();
      case DECLINE_INVERSE_OFFERS, ACCEPT_INVERSE_OFFERS, MESSAGE, REQUEST, RECONCILE_OPERATIONS,
          ACKNOWLEDGE_OPERATION_STATUS -> { }
      default -> {
        return "Unsupported call " + c.getType();
      }
    }
    return null;
  }

  private static String executorOf(SimTask t) {
    return t.info.hasExecutor() ? t.info.getExecutor().getExecutorId().getValue() : t.id;
  }

  private void accept(SimFramework f, Call.Accept a) {
    List<SimOffer> used = new ArrayList<>();
    String invalid = null;
    for (Protos.OfferID id : a.getOfferIdsList()) {
      SimOffer o = f.offers.get(id.getValue());
      if (o == null) {
        invalid = "Offer " + id.getValue() + " is no longer valid";
      } else {
        if (!used.isEmpty() && !used.get(0).agentId().equals(o.agentId())) {
          invalid = "Aggregated offers must belong to one single agent";
        }
        used.add(o);
      }
    }
    if (a.getOfferIdsCount() == 0) invalid = "No offers specified";
    if (invalid != null) {
      for (SimOffer o : used) releaseOffer(f, o);
      for (Protos.Offer.Operation op : a.getOperationsList()) {
        if (op.getType() != Protos.Offer.Operation.Type.LAUNCH) continue;
        for (Protos.TaskInfo ti : op.getLaunch().getTaskInfosList()) {
          TaskState st = f.partitionAware() ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
          sendNow(f, update(status(ti.getTaskId().getValue(), ti.getAgentId().getValue(), st,
              TaskStatus.Reason.REASON_INVALID_OFFERS, TaskStatus.Source.SOURCE_MASTER,
              "Task launched with invalid offers: " + invalid, false)));
        }
      }
      return;
    }
    SimAgent agent = agents.get(used.get(0).agentId());
    double cpus = 0;
    double mem = 0;
    double disk = 0;
    for (SimOffer o : used) {
      cpus += o.cpus();
      mem += o.mem();
      disk += o.disk();
      f.offers.remove(o.id());
      offerIndex.remove(o.id());
    }
    agent.offeredAs = null;
    List<SimTask> launched = new ArrayList<>();
    for (Protos.Offer.Operation op : a.getOperationsList()) {
      if (op.getType() != Protos.Offer.Operation.Type.LAUNCH) {
        LOG.debug("operation {} is not simulated; ignored", op.getType());
        continue;
      }
      for (Protos.TaskInfo ti : op.getLaunch().getTaskInfosList()) {
        double[] need = new double[3];
        List<Integer> ports = new ArrayList<>();
        String error = checkTask(f, agent, ti, need, ports, cpus, mem, disk);
        if (error != null) {
          sendNow(f, update(status(ti.getTaskId().getValue(), agent.id, TaskState.TASK_ERROR,
              TaskStatus.Reason.REASON_TASK_INVALID, TaskStatus.Source.SOURCE_MASTER, error, false)));
          continue;
        }
        cpus -= need[0];
        mem -= need[1];
        disk -= need[2];
        SimTask t = new SimTask(ti.getTaskId().getValue(), agent.id, f.id, need[0], need[1], need[2], ports, ti);
        agent.hold(need[0], need[1], need[2], ports);
        f.tasks.put(t.id, t);
        launched.add(t);
      }
    }
    double refuse = a.getFilters().hasRefuseSeconds() ? a.getFilters().getRefuseSeconds() : 5;
    if (refuse > 0 && (cpus > 0 || mem > 0)) {
      f.filters.put(agent.id, new Filter(System.currentTimeMillis() + (long) (refuse * 1000), cpus, mem, disk));
    }
    if (launched.isEmpty()) return;
    vertx.setTimer(options.startDelayMs() <= 0 ? 1 : options.startDelayMs(), id -> {
      for (SimTask t : launched) {
        if (t.state != TaskState.TASK_STAGING || !f.tasks.containsKey(t.id)) continue;
        transition(f, t, TaskState.TASK_STARTING, null, "");
        transition(f, t, TaskState.TASK_RUNNING, null, "");
        String end = t.scriptedEnd();
        if (end != null) scriptEnd(f, t, end);
      }
    });
  }

  private void scriptEnd(SimFramework f, SimTask t, String script) {
    String[] parts = script.split(":", 2);
    TaskState st;
    long after;
    try {
      st = TaskState.valueOf(parts[0]);
      after = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
    } catch (IllegalArgumentException e) {
      LOG.warn("task {}: bad sim.end label '{}'", t.id, script);
      return;
    }
    vertx.setTimer(Math.max(1, after), id -> {
      if (!t.terminal() && f.tasks.get(t.id) == t) {
        transition(f, t, st, st == TaskState.TASK_FAILED ? TaskStatus.Reason.REASON_COMMAND_EXECUTOR_FAILED : null,
            st == TaskState.TASK_FAILED ? "Command exited with status 1" : "Command exited with status 0");
      }
    });
  }

  /** Mesos's task validation, reduced to what a simulated agent can check; null when valid. */
  private String checkTask(SimFramework f, SimAgent agent, Protos.TaskInfo ti, double[] need, List<Integer> ports,
                           double cpus, double mem, double disk) {
    String id = ti.getTaskId().getValue();
    if (id.isEmpty()) return "Task ID must not be empty";
    SimTask existing = f.tasks.get(id);
    if (existing != null) return "Task has duplicate ID: " + id;
    if (!ti.getAgentId().getValue().equals(agent.id)) {
      return "Task uses agent " + ti.getAgentId().getValue() + " but the offers are of agent " + agent.id;
    }
    if (ti.hasCommand() == ti.hasExecutor()) {
      return "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present";
    }
    for (Protos.Resource r : ti.getResourcesList()) {
      switch (r.getName()) {
        case "cpus" -> need[0] += r.getScalar().getValue();
        case "mem" -> need[1] += r.getScalar().getValue();
        case "disk" -> need[2] += r.getScalar().getValue();
        case "ports" -> {
          for (Protos.Value.Range range : r.getRanges().getRangeList()) {
            for (long p = range.getBegin(); p <= range.getEnd(); p++) ports.add((int) p);
          }
        }
        default -> {
          return "Task uses resource '" + r.getName() + "' that the agent does not have";
        }
      }
    }
    if (need[0] <= 0 && need[1] <= 0) return "Task uses no resources";
    if (need[0] > cpus + 1e-6 || need[1] > mem + 1e-6 || need[2] > disk + 1e-6) {
      return "Task uses more resources than the offers hold: cpus " + need[0] + "/" + SimAgent.round(cpus)
          + ", mem " + need[1] + "/" + SimAgent.round(mem) + ", disk " + need[2] + "/" + SimAgent.round(disk);
    }
    Set<Integer> seen = new HashSet<>();
    for (int p : ports) {
      if (!agent.portFree(p) || !seen.add(p)) return "Task uses port " + p + " that the offers do not hold";
    }
    return null;
  }

  private void kill(SimFramework f, Call.Kill k) {
    String id = k.getTaskId().getValue();
    SimTask t = f.tasks.get(id);
    if (t == null) {
      SimTask u = f.unreachable.remove(id);
      if (u != null) {
        // Mesos gives up on an unreachable task the framework kills
        sendNow(f, update(status(id, u.agentId, TaskState.TASK_LOST, TaskStatus.Reason.REASON_AGENT_REMOVED,
            TaskStatus.Source.SOURCE_MASTER, "Task was killed while its agent was unreachable", false)));
        return;
      }
      sendNow(f, update(status(id, k.getAgentId().getValue(), TaskState.TASK_LOST, TaskStatus.Reason.REASON_RECONCILIATION,
          TaskStatus.Source.SOURCE_MASTER, "Attempted to kill an unknown task", false)));
      return;
    }
    if (t.terminal()) return;
    if (f.has(Protos.FrameworkInfo.Capability.Type.TASK_KILLING_STATE) && t.state == TaskState.TASK_RUNNING) {
      transition(f, t, TaskState.TASK_KILLING, null, "");
    }
    transition(f, t, TaskState.TASK_KILLED, null, "Command terminated with signal Terminated");
  }

  private void acknowledge(SimFramework f, Call.Acknowledge a) {
    SimTask t = f.tasks.get(a.getTaskId().getValue());
    if (t == null || !t.sameUuid(a.getUuid())) return; // a late or duplicate ACK: the agent ignores it
    t.inFlight = null;
    awaitingAck.remove(t);
    if (t.queue.isEmpty() && t.terminal()) {
      f.tasks.remove(t.id); // the terminal update is acknowledged: the master forgets the task
      return;
    }
    deliverNext(f, t);
  }

  private void reconcile(SimFramework f, Call.Reconcile r) {
    if (r.getTasksCount() == 0) {
      for (SimTask t : f.tasks.values()) sendNow(f, update(reconciled(t, t.state)));
      for (SimTask t : f.unreachable.values()) sendNow(f, update(reconciled(t, TaskState.TASK_UNREACHABLE)));
      return;
    }
    for (Call.Reconcile.Task rt : r.getTasksList()) {
      String id = rt.getTaskId().getValue();
      SimTask t = f.tasks.get(id);
      if (t != null) {
        sendNow(f, update(reconciled(t, t.state)));
        continue;
      }
      SimTask u = f.unreachable.get(id);
      if (u != null) {
        sendNow(f, update(reconciled(u, TaskState.TASK_UNREACHABLE)));
        continue;
      }
      SimAgent a = agents.get(rt.getAgentId().getValue());
      TaskState st;
      if (a != null && a.health == SimAgent.Health.GONE) {
        st = f.partitionAware() ? TaskState.TASK_GONE_BY_OPERATOR : TaskState.TASK_LOST;
      } else if (a != null && a.health == SimAgent.Health.UNREACHABLE) {
        st = f.partitionAware() ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST;
      } else {
        st = f.partitionAware() ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST;
      }
      sendNow(f, update(status(id, rt.getAgentId().getValue(), st, TaskStatus.Reason.REASON_RECONCILIATION,
          TaskStatus.Source.SOURCE_MASTER, "Reconciliation: task is unknown", false)));
    }
  }

  private TaskStatus reconciled(SimTask t, TaskState st) {
    return status(t.id, t.agentId, st, TaskStatus.Reason.REASON_RECONCILIATION, TaskStatus.Source.SOURCE_MASTER,
        "Reconciliation: latest task status", false);
  }

  // ---- task states and updates -------------------------------------------------------------------

  /** The agent reports a new state: it is queued (with a uuid) behind unacknowledged ones. */
  private void transition(SimFramework f, SimTask t, TaskState st, TaskStatus.Reason reason, String message) {
    t.state = st;
    if (SimTask.isTerminal(st)) releaseResources(t);
    t.queue.add(status(t.id, t.agentId, st, reason, TaskStatus.Source.SOURCE_EXECUTOR, message, true));
    deliverNext(f, t);
  }

  private void deliverNext(SimFramework f, SimTask t) {
    if (t.inFlight != null || t.queue.isEmpty() || !f.connected) return;
    t.inFlight = t.queue.poll();
    t.retryMs = options.updateRetryMs();
    t.resendAtMs = System.currentTimeMillis() + t.retryMs;
    awaitingAck.add(t);
    sendNow(f, update(t.inFlight));
  }

  private void resendUnacknowledged() {
    long now = System.currentTimeMillis();
    for (SimTask t : awaitingAck) {
      if (t.inFlight == null || now < t.resendAtMs) continue;
      SimFramework f = frameworks.get(t.frameworkId);
      if (f == null || !f.connected) continue;
      updatesResent.incrementAndGet();
      sendNow(f, update(t.inFlight));
      t.retryMs = Math.min(t.retryMs * 2, 600_000);
      t.resendAtMs = now + t.retryMs;
    }
  }

  private void dropPending(SimTask t) {
    t.queue.clear();
    t.inFlight = null;
    awaitingAck.remove(t);
  }

  private void releaseResources(SimTask t) {
    if (t.released) return;
    t.released = true;
    SimAgent a = agents.get(t.agentId);
    if (a != null) a.release(t.cpus, t.mem, t.disk, t.ports);
  }

  private TaskStatus masterStatus(SimTask t, TaskState st, TaskStatus.Reason reason, String message) {
    return status(t.id, t.agentId, st, reason, TaskStatus.Source.SOURCE_MASTER, message, false);
  }

  private static TaskStatus status(String taskId, String agentId, TaskState st, TaskStatus.Reason reason,
                                   TaskStatus.Source source, String message, boolean needsAck) {
    TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue(taskId))
        .setState(st).setSource(source).setTimestamp(System.currentTimeMillis() / 1000.0);
    if (agentId != null && !agentId.isEmpty()) s.setAgentId(Protos.AgentID.newBuilder().setValue(agentId));
    if (reason != null) s.setReason(reason);
    if (message != null && !message.isEmpty()) s.setMessage(message);
    if (needsAck) {
      UUID u = UUID.randomUUID();
      s.setUuid(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
          .putLong(u.getLeastSignificantBits()).array()));
    }
    return s.build();
  }

  private static Event update(TaskStatus s) {
    return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder().setStatus(s)).build();
  }

  // ---- offers ------------------------------------------------------------------------------------

  private SimAgent addAgentNow() {
    int n = agentSeq++;
    String id = masterId + "-S" + n;
    List<Protos.Attribute> attrs = List.of(
        text("rack", "r" + (n % options.racks())),
        text("zone", "z" + (n % 3)));
    SimAgent a = new SimAgent(id, "sim-agent-" + n, attrs, options.cpus(), options.mem(), options.disk(),
        options.portBegin(), options.portEnd());
    agents.put(id, a);
    return a;
  }

  private static Protos.Attribute text(String name, String value) {
    return Protos.Attribute.newBuilder().setName(name).setType(Protos.Value.Type.TEXT)
        .setText(Protos.Value.Text.newBuilder().setValue(value)).build();
  }

  private boolean allocationQueued;

  /** An allocation at the next turn of the event loop (coalesced), besides the periodic ones. */
  private void allocateSoon() {
    if (allocationQueued) return;
    allocationQueued = true;
    context.runOnContext(v -> {
      allocationQueued = false;
      allocate();
    });
  }

  /** One allocation cycle: every connected, unsuppressed framework gets the free resources it does not filter. */
  private void allocate() {
    long now = System.currentTimeMillis();
    if (options.offerTimeoutMs() > 0) {
      for (SimOffer o : new ArrayList<>(offerIndex.values())) {
        if (now - o.madeAtMs() > options.offerTimeoutMs()) rescind(o);
      }
    }
    List<SimFramework> fs = new ArrayList<>(frameworks.values());
    if (fs.isEmpty()) return;
    int start = rotation++ % fs.size();
    for (int k = 0; k < fs.size(); k++) {
      SimFramework f = fs.get((start + k) % fs.size());
      if (!f.connected || f.suppressed) continue;
      Event.Offers.Builder batch = Event.Offers.newBuilder();
      for (SimAgent a : agents.values()) {
        if (a.health != SimAgent.Health.ACTIVE || a.offeredAs != null) continue;
        double c = a.freeCpus();
        double m = a.freeMem();
        double d = a.freeDisk();
        if (c < 0.01 || m < 32) continue; // Mesos's minimum allocatable resources
        Filter filter = f.filters.get(a.id);
        if (filter != null && filter.refuses(c, m, d, now)) continue;
        if (filter != null && now >= filter.untilMs()) f.filters.remove(a.id);
        SimOffer o = new SimOffer(masterId + "-O" + (++offerSeq), a.id, c, m, d, a.freePorts(), now);
        a.offeredAs = o.id();
        f.offers.put(o.id(), o);
        offerIndex.put(o.id(), o);
        batch.addOffers(offerProto(f, a, o));
      }
      if (batch.getOffersCount() > 0) {
        offersSent.addAndGet(batch.getOffersCount());
        send(f, Event.newBuilder().setType(Event.Type.OFFERS).setOffers(batch).build());
      }
    }
  }

  private Protos.Offer offerProto(SimFramework f, SimAgent a, SimOffer o) {
    String role = f.info.getRolesCount() > 0 ? f.info.getRoles(0) : f.info.hasRole() ? f.info.getRole() : "*";
    Protos.Resource.AllocationInfo alloc = Protos.Resource.AllocationInfo.newBuilder().setRole(role).build();
    Protos.Offer.Builder b = Protos.Offer.newBuilder().setId(Protos.OfferID.newBuilder().setValue(o.id()))
        .setFrameworkId(Protos.FrameworkID.newBuilder().setValue(f.id))
        .setAgentId(Protos.AgentID.newBuilder().setValue(a.id)).setHostname(a.hostname)
        .addAllAttributes(a.attributes)
        .addResources(scalar("cpus", o.cpus(), alloc))
        .addResources(scalar("mem", o.mem(), alloc))
        .addResources(scalar("disk", o.disk(), alloc));
    if (o.ports().getRangeCount() > 0) {
      b.addResources(Protos.Resource.newBuilder().setName("ports").setType(Protos.Value.Type.RANGES)
          .setRanges(o.ports()).setAllocationInfo(alloc));
    }
    if (f.has(Protos.FrameworkInfo.Capability.Type.MULTI_ROLE)) b.setAllocationInfo(alloc);
    return b.build();
  }

  private static Protos.Resource scalar(String name, double v, Protos.Resource.AllocationInfo alloc) {
    return Protos.Resource.newBuilder().setName(name).setType(Protos.Value.Type.SCALAR)
        .setScalar(Protos.Value.Scalar.newBuilder().setValue(v)).setAllocationInfo(alloc).build();
  }

  private void filter(SimFramework f, SimOffer o, double refuseSeconds) {
    if (refuseSeconds <= 0) return;
    f.filters.put(o.agentId(), new Filter(System.currentTimeMillis() + (long) (refuseSeconds * 1000), o.cpus(), o.mem(),
        o.disk()));
  }

  private void releaseOffer(SimFramework f, SimOffer o) {
    f.offers.remove(o.id());
    offerIndex.remove(o.id());
    SimAgent a = agents.get(o.agentId());
    if (a != null && o.id().equals(a.offeredAs)) a.offeredAs = null;
  }

  private void rescind(SimOffer o) {
    if (o == null) return;
    for (SimFramework f : frameworks.values()) {
      if (f.offers.containsKey(o.id())) {
        releaseOffer(f, o);
        send(f, Event.newBuilder().setType(Event.Type.RESCIND).setRescind(Event.Rescind.newBuilder()
            .setOfferId(Protos.OfferID.newBuilder().setValue(o.id()))).build());
        return;
      }
    }
    offerIndex.remove(o.id());
  }

  private void heartbeat() {
    Event hb = Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
    for (SimFramework f : frameworks.values()) send(f, hb);
  }

  // ---- wire --------------------------------------------------------------------------------------

  private void sendNow(SimFramework f, Event e) {
    if (e.getType() == Event.Type.UPDATE) updatesSent.incrementAndGet();
    send(f, e);
  }

  private void send(SimFramework f, Event e) {
    if (f.stream == null || !f.connected) return;
    writeEvent(f.stream, f.codec, e);
  }

  private static void writeEvent(HttpServerResponse stream, MesosCodec codec, Event e) {
    if (stream.ended() || stream.closed()) return;
    stream.write(RecordIo.frame(codec.encode(e)));
  }

  private JsonObject stateJson() {
    JsonArray fws = new JsonArray();
    for (SimFramework f : frameworks.values()) {
      Map<String, Integer> states = new LinkedHashMap<>();
      for (SimTask t : f.tasks.values()) states.merge(t.state.name(), 1, Integer::sum);
      if (!f.unreachable.isEmpty()) states.put("TASK_UNREACHABLE", f.unreachable.size());
      fws.add(new JsonObject().put("id", f.id).put("name", f.info.getName()).put("connected", f.connected)
          .put("suppressed", f.suppressed).put("failover_timeout", f.info.getFailoverTimeout())
          .put("offers", f.offers.size()).put("tasks", new JsonObject(new LinkedHashMap<>(states))));
    }
    long active = agents.values().stream().filter(a -> a.health == SimAgent.Health.ACTIVE).count();
    return new JsonObject().put("id", masterId).put("version", "1.11.0").put("leader", leader == null)
        .put("agents", new JsonObject().put("total", agents.size()).put("active", active))
        .put("frameworks", fws).put("completed_frameworks", new JsonArray(new ArrayList<>(removedFrameworks)))
        .put("offers_sent", offersSent.get()).put("updates_sent", updatesSent.get())
        .put("updates_resent", updatesResent.get());
  }
}
