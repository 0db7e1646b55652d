package io.upone.mesos;

import com.google.protobuf.ByteString;
import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.driver.TaskReport;
import io.upone.core.proto.TaskState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * upone as a Mesos framework, behind the same {@link ClusterDriver} port as its own agents.
 * Offers become placement input; launches become ACCEPT calls with LAUNCH operations cut from
 * the offer's own resources; status updates become reports and are acknowledged only when the
 * scheduler says they are committed. The framework id comes from and goes to a
 * {@link FrameworkIdStore} (the event log), so a new leader resubscribes as the same framework.
 * All state lives on the scheduler's context.
 */
public final class MesosDriver implements ClusterDriver {
  private static final Logger LOG = LoggerFactory.getLogger(MesosDriver.class);
  /** What is left of an accepted offer is not offered again for this long (the Mesos default). */
  private static final double ACCEPT_REFUSE_SECONDS = 5;
  private static final Pattern EXIT = Pattern.compile("(?:exited with status|exit status|exit code) (\\d+)");

  private final Vertx vertx;
  private final Context context;
  private final MesosConfig config;
  private final FrameworkIdStore store;
  /** One per leadership term: created by start(), closed by stop(). */
  private SchedulerConnection connection;
  private final Map<String, Offer> offers = new HashMap<>();
  /** When each held offer's OFFERS event arrived; the event's offers share one {@link OffersEvent}. */
  private final Map<String, OffersEvent> offerEvents = new HashMap<>();
  private final Map<String, ClusterDriver.Agent> agents = new LinkedHashMap<>();
  /** Tasks Mesos should know for us (launched, not terminal): reconciled explicitly after each subscribe. */
  private final Map<String, String> known = new HashMap<>();
  /** The update of each task waiting for the scheduler's commit before it is acknowledged. */
  private final Map<String, TaskStatus> unacked = new HashMap<>();
  private final Map<Double, List<OfferID>> declines = new HashMap<>();
  private final Stats stats = new Stats();
  private boolean declineFlushQueued;
  private Listener listener;
  private boolean suppressed;
  private String frameworkId = "";
  private long implicitTimer = -1;

  public MesosDriver(Vertx vertx, Context context, MesosConfig config, FrameworkIdStore store) {
    this.vertx = vertx;
    this.context = context;
    this.config = config;
    this.store = store;
  }

  /** Counters and the offer → ACCEPT latency record, for benchmarks and /metrics. */
  public Stats stats() {
    return stats;
  }

  public String frameworkId() {
    return frameworkId;
  }

  public boolean isSubscribed() {
    SchedulerConnection c = connection;
    return c != null && c.isSubscribed();
  }

  private void onContext(Runnable r) {
    if (Vertx.currentContext() == context) r.run();
    else context.runOnContext(v -> r.run());
  }

  // ---- the port ---------------------------------------------------------------------------------

  @Override
  public void start(Listener l) {
    onContext(() -> {
      if (connection != null) return;
      listener = l;
      frameworkId = store.frameworkId();
      connection = new SchedulerConnection(vertx, config, this::subscribeCall, new Handler());
      connection.open();
      implicitTimer = vertx.setPeriodic(Math.max(1000, config.implicitReconcileMs()), id -> {
        if (isSubscribed()) send(call(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder()));
      });
    });
  }

  @Override
  public void stop() {
    onContext(() -> {
      listener = null;
      if (implicitTimer >= 0) vertx.cancelTimer(implicitTimer);
      implicitTimer = -1;
      if (connection != null) connection.close();
      connection = null;
      offers.clear();
      offerEvents.clear();
      unacked.clear();
      known.clear();
      declines.clear();
    });
  }

  @Override
  public void launch(String offerId, Collection<TaskLaunch> tasks) {
    onContext(() -> {
      Offer offer = offers.remove(offerId);
      OffersEvent received = offerEvents.remove(offerId);
      if (offer == null || !isSubscribed()) {
        // rescinded or from an earlier subscription: Mesos would drop these tasks, so say so now
        for (TaskLaunch t : tasks) {
          report(new TaskReport(t.taskId(), t.agentId(), TaskState.TASK_DROPPED, 0,
              "offer " + offerId + " is no longer valid", "invalid_offers", null));
        }
        return;
      }
      List<Protos.Resource> pool = new ArrayList<>(offer.getResourcesList());
      Call.Accept.Builder accept = Call.Accept.newBuilder().addOfferIds(offer.getId())
          .setFilters(Protos.Filters.newBuilder().setRefuseSeconds(ACCEPT_REFUSE_SECONDS));
      Protos.Offer.Operation.Launch.Builder launch = Protos.Offer.Operation.Launch.newBuilder();
      for (TaskLaunch t : tasks) {
        launch.addTaskInfos(taskInfo(offer, pool, t));
        known.put(t.taskId(), offer.getAgentId().getValue());
      }
      accept.addOperations(Protos.Offer.Operation.newBuilder().setType(Protos.Offer.Operation.Type.LAUNCH)
          .setLaunch(launch));
      if (received != null) {
        long ns = System.nanoTime() - received.receivedNs;
        stats.offerToAccept(ns);
        if (!received.accepted) stats.firstAccept(ns);
        received.accepted = true;
      }
      stats.launched += tasks.size();
      send(call(Call.Type.ACCEPT).setAccept(accept));
    });
  }

  @Override
  public void decline(String offerId, double refuseSeconds) {
    onContext(() -> {
      Offer offer = offers.remove(offerId);
      offerEvents.remove(offerId);
      if (offer == null) return;
      stats.declined++;
      declines.computeIfAbsent(refuseSeconds, k -> new ArrayList<>()).add(offer.getId());
      if (!declineFlushQueued) {
        declineFlushQueued = true;
        context.runOnContext(v -> flushDeclines()); // one DECLINE per filter for this whole turn
      }
    });
  }

  private void flushDeclines() {
    declineFlushQueued = false;
    declines.forEach((refuse, ids) -> send(call(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder()
        .addAllOfferIds(ids).setFilters(Protos.Filters.newBuilder().setRefuseSeconds(refuse)))));
    declines.clear();
  }

  @Override
  public void kill(String agentId, String taskId, int gracePeriodSeconds) {
    onContext(() -> {
      Call.Kill.Builder k = Call.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId));
      if (agentId != null && !agentId.isEmpty()) k.setAgentId(AgentID.newBuilder().setValue(agentId));
      if (gracePeriodSeconds > 0) {
        k.setKillPolicy(Protos.KillPolicy.newBuilder().setGracePeriod(Protos.DurationInfo.newBuilder()
            .setNanoseconds(gracePeriodSeconds * 1_000_000_000L)));
      }
      send(call(Call.Type.KILL).setKill(k));
    });
  }

  @Override
  public void reconcile(Collection<TaskRef> tasks) {
    onContext(() -> {
      for (TaskRef t : tasks) known.put(t.taskId(), t.agentId());
      if (isSubscribed()) {
        if (tasks.isEmpty()) send(call(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder()));
        else send(reconcileCall(tasks.stream().map(t -> Map.entry(t.taskId(), t.agentId())).toList()));
      }
      // otherwise: sent after SUBSCRIBED, for every known task
    });
  }

  private Call.Builder reconcileCall(Collection<Map.Entry<String, String>> tasks) {
    Call.Reconcile.Builder r = Call.Reconcile.newBuilder();
    for (Map.Entry<String, String> t : tasks) {
      Call.Reconcile.Task.Builder rt = Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(t.getKey()));
      if (t.getValue() != null && !t.getValue().isEmpty()) rt.setAgentId(AgentID.newBuilder().setValue(t.getValue()));
      r.addTasks(rt);
    }
    return call(Call.Type.RECONCILE).setReconcile(r);
  }

  @Override
  public void acknowledge(TaskReport report) {
    onContext(() -> {
      TaskStatus s = unacked.get(report.taskId());
      if (s == null || state(s) != report.state()) return; // no uuid, or a newer update is pending
      unacked.remove(report.taskId());
      stats.acknowledged++;
      send(call(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
          .setAgentId(s.getAgentId()).setTaskId(s.getTaskId()).setUuid(s.getUuid())));
    });
  }

  @Override
  public void revive() {
    onContext(() -> {
      suppressed = false;
      // before SUBSCRIBED the flag is enough: the subscription itself revives or suppresses
      if (isSubscribed()) send(call(Call.Type.REVIVE).setRevive(Call.Revive.newBuilder()));
    });
  }

  @Override
  public void suppress() {
    onContext(() -> {
      suppressed = true;
      if (isSubscribed()) send(call(Call.Type.SUPPRESS).setSuppress(Call.Suppress.newBuilder()));
    });
  }

  @Override
  public Map<String, ClusterDriver.Agent> agents() {
    return agents;
  }

  /**
   * Ends this framework in Mesos: every task it runs is killed by Mesos and the framework id is
   * forgotten; the driver then subscribes as a new framework and the scheduler starts what its
   * apps still want. Completes when the master accepted the call.
   */
  public Future<Void> teardown() {
    return Future.<Void>future(p -> onContext(() -> {
      if (!isSubscribed()) {
        p.fail("not subscribed to a Mesos master");
        return;
      }
      connection.send(call(Call.Type.TEARDOWN).build()).onComplete(ar -> {
        if (ar.succeeded() && connection != null) {
          LOG.warn("framework {} torn down: Mesos kills its tasks; subscribing as a new framework", frameworkId);
          store.forget("teardown");
          frameworkId = "";
          connection.drop("torn down");
        }
        p.handle(ar);
      });
    }));
  }

  /** Shuts an executor down (custom executors; the command executor ends with its task). */
  public void shutdownExecutor(String agentId, String executorId) {
    onContext(() -> send(call(Call.Type.SHUTDOWN).setShutdown(Call.Shutdown.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(agentId))
        .setExecutorId(Protos.ExecutorID.newBuilder().setValue(executorId)))));
  }

  /** Sends a framework message to an executor. */
  public void message(String agentId, String executorId, byte[] data) {
    onContext(() -> send(call(Call.Type.MESSAGE).setMessage(Call.Message.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(agentId))
        .setExecutorId(Protos.ExecutorID.newBuilder().setValue(executorId)).setData(ByteString.copyFrom(data)))));
  }

  /** Breaks the event stream as a network fault would (tests, operators): the driver resubscribes. */
  public void dropStream() {
    onContext(() -> {
      if (connection != null) connection.drop("dropped on request");
    });
  }

  // ---- calls ------------------------------------------------------------------------------------

  private Call.Builder call(Call.Type type) {
    Call.Builder c = Call.newBuilder().setType(type);
    if (!frameworkId.isEmpty()) c.setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId));
    return c;
  }

  private void send(Call.Builder c) {
    Call built = c.build();
    stats.calls++;
    if (connection == null) return;
    connection.send(built).onFailure(t -> {
      stats.failedCalls++;
      LOG.warn("{}: {}", built.getType(), t.getMessage());
    });
  }

  private Call subscribeCall() {
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setUser(config.user()).setName(config.frameworkName())
        .setFailoverTimeout(config.failoverTimeoutSeconds()).setCheckpoint(true)
        .addRoles(config.role())
        .addCapabilities(cap(FrameworkInfo.Capability.Type.MULTI_ROLE))
        .addCapabilities(cap(FrameworkInfo.Capability.Type.PARTITION_AWARE))
        .addCapabilities(cap(FrameworkInfo.Capability.Type.TASK_KILLING_STATE));
    if (!config.hostname().isEmpty()) info.setHostname(config.hostname());
    if (!config.webuiUrl().isEmpty()) info.setWebuiUrl(config.webuiUrl());
    Call.Subscribe.Builder sub = Call.Subscribe.newBuilder();
    Call.Builder c = Call.newBuilder().setType(Call.Type.SUBSCRIBE);
    if (!frameworkId.isEmpty()) {
      info.setId(FrameworkID.newBuilder().setValue(frameworkId));
      c.setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId));
    }
    if (suppressed) sub.addSuppressedRoles(config.role());
    return c.setSubscribe(sub.setFrameworkInfo(info)).build();
  }

  private static FrameworkInfo.Capability cap(FrameworkInfo.Capability.Type t) {
    return FrameworkInfo.Capability.newBuilder().setType(t).build();
  }

  private Protos.TaskInfo taskInfo(Offer offer, List<Protos.Resource> pool, TaskLaunch t) {
    Protos.CommandInfo.Builder cmd = Protos.CommandInfo.newBuilder();
    if (!t.cmd().isEmpty()) {
      cmd.setShell(true).setValue(t.cmd());
    } else {
      cmd.setShell(false).setValue(t.args().isEmpty() ? "" : t.args().get(0)).addAllArguments(t.args());
    }
    Protos.Environment.Builder env = Protos.Environment.newBuilder();
    Map<String, String> vars = new LinkedHashMap<>(t.env());
    vars.put("HOST", offer.getHostname());
    vars.put("UPONE_TASK_ID", t.taskId());
    vars.put("UPONE_APP_ID", t.appId());
    vars.put("UPONE_AGENT_ID", offer.getAgentId().getValue());
    for (int i = 0; i < t.hostPorts().size(); i++) vars.put("PORT" + i, String.valueOf(t.hostPorts().get(i)));
    if (!t.hostPorts().isEmpty()) {
      vars.put("PORT", String.valueOf(t.hostPorts().get(0)));
      vars.put("PORTS", String.join(",", t.hostPorts().stream().map(String::valueOf).toList()));
    }
    vars.forEach((k, v) -> env.addVariables(Protos.Environment.Variable.newBuilder().setName(k).setValue(v)));
    cmd.setEnvironment(env);
    Protos.TaskInfo.Builder ti = Protos.TaskInfo.newBuilder().setName(t.appId())
        .setTaskId(TaskID.newBuilder().setValue(t.taskId())).setAgentId(offer.getAgentId())
        .addAllResources(OfferResources.take(pool, t.cpus(), t.mem(), t.disk(), t.hostPorts()))
        .setCommand(cmd)
        .setLabels(Protos.Labels.newBuilder()
            .addLabels(Protos.Label.newBuilder().setKey("upone.app").setValue(t.appId()))
            .addLabels(Protos.Label.newBuilder().setKey("upone.app-version").setValue(String.valueOf(t.appVersion()))));
    if (t.image() != null && !t.image().isEmpty()) {
      ti.setContainer(Protos.ContainerInfo.newBuilder().setType(Protos.ContainerInfo.Type.MESOS)
          .setMesos(Protos.ContainerInfo.MesosInfo.newBuilder().setImage(Protos.Image.newBuilder()
              .setType(Protos.Image.Type.DOCKER).setDocker(Protos.Image.Docker.newBuilder().setName(t.image())))));
    }
    MesosHealthCheck.of(t.healthChecks(), t.hostPorts()).ifPresent(ti::setHealthCheck);
    if (t.killGracePeriodSeconds() > 0) {
      ti.setKillPolicy(Protos.KillPolicy.newBuilder().setGracePeriod(Protos.DurationInfo.newBuilder()
          .setNanoseconds(t.killGracePeriodSeconds() * 1_000_000_000L)));
    }
    return ti.build();
  }

  // ---- events -----------------------------------------------------------------------------------

  private final class Handler implements SchedulerConnection.Handler {
    @Override
    public void subscribed(Event.Subscribed s, String master) {
      String id = s.getFrameworkId().getValue();
      if (!id.equals(frameworkId)) {
        LOG.info("subscribed to {} as new framework {}", master, id);
      } else {
        LOG.info("resubscribed to {} as framework {}", master, id);
      }
      frameworkId = id;
      store.subscribed(id, master);
      stats.subscriptions++;
      offers.clear();
      offerEvents.clear();
      unacked.clear(); // the master resends what was not acknowledged
      if (!known.isEmpty()) send(reconcileCall(new ArrayList<>(known.entrySet())));
      if (suppressed) send(call(Call.Type.SUPPRESS).setSuppress(Call.Suppress.newBuilder()));
      else send(call(Call.Type.REVIVE).setRevive(Call.Revive.newBuilder()));
    }

    @Override
    public void event(Event e) {
      switch (e.getType()) {
        case OFFERS -> offers(e.getOffers().getOffersList());
        case INVERSE_OFFERS -> inverseOffers(e.getInverseOffers());
        case RESCIND -> {
          String id = e.getRescind().getOfferId().getValue();
          offerEvents.remove(id);
          if (offers.remove(id) != null && listener != null) listener.rescinded(id);
        }
        case RESCIND_INVERSE_OFFER -> { }
        case UPDATE -> update(e.getUpdate().getStatus());
        case UPDATE_OPERATION_STATUS -> { }
        case MESSAGE -> LOG.debug("message from executor {} on agent {} ({} bytes)",
            e.getMessage().getExecutorId().getValue(), e.getMessage().getAgentId().getValue(), e.getMessage().getData().size());
        case FAILURE -> failure(e.getFailure());
        case ERROR -> error(e.getError().getMessage());
        default -> LOG.debug("ignored event {}", e.getType());
      }
    }

    @Override
    public void disconnected(String why) {
      LOG.warn("Mesos subscription lost ({}): reconnecting", why);
      offers.clear();
      offerEvents.clear();
    }
  }

  private void offers(List<Offer> batch) {
    long now = System.nanoTime();
    OffersEvent received = new OffersEvent(now);
    List<io.upone.core.driver.Offer> out = new ArrayList<>(batch.size());
    for (Offer o : batch) {
      String id = o.getId().getValue();
      offers.put(id, o);
      offerEvents.put(id, received);
      io.upone.core.driver.Offer core = OfferResources.toOffer(o);
      agents.put(core.agentId(), new ClusterDriver.Agent(core.agentId(), core.hostname(), core.attributes()));
      out.add(core);
    }
    stats.offers += batch.size();
    if (listener != null) {
      listener.offers(out);
      stats.offersHandled(System.nanoTime() - now);
    } else {
      out.forEach(o -> decline(o.offerId(), 5));
    }
  }

  private void inverseOffers(Event.InverseOffers inverse) {
    // maintenance: upone does not drain on request yet; answering lets Mesos go on with its schedule
    Call.DeclineInverseOffers.Builder d = Call.DeclineInverseOffers.newBuilder();
    for (Protos.InverseOffer io : inverse.getInverseOffersList()) {
      LOG.info("inverse offer for agent {}: maintenance scheduled; declined (tasks are not drained automatically)",
          io.getAgentId().getValue());
      d.addInverseOfferIds(io.getId());
    }
    if (d.getInverseOfferIdsCount() > 0) send(call(Call.Type.DECLINE_INVERSE_OFFERS).setDeclineInverseOffers(d));
  }

  private void update(TaskStatus s) {
    stats.updates++;
    if (!s.getUuid().isEmpty()) unacked.put(s.getTaskId().getValue(), s);
    TaskState state = state(s);
    if (io.upone.core.state.Task.isTerminal(state)) known.remove(s.getTaskId().getValue());
    report(new TaskReport(s.getTaskId().getValue(), s.getAgentId().getValue(), state, exitCode(s), s.getMessage(),
        reason(s), s.hasHealthy() ? s.getHealthy() : null));
  }

  private void report(TaskReport r) {
    if (listener != null) listener.report(r);
  }

  private void failure(Event.Failure f) {
    if (f.hasExecutorId()) {
      LOG.info("executor {} on agent {} ended with status {}", f.getExecutorId().getValue(),
          f.getAgentId().getValue(), f.getStatus());
      return;
    }
    String agentId = f.getAgentId().getValue();
    agents.remove(agentId);
    known.values().removeIf(agentId::equals);
    LOG.warn("Mesos says agent {} is lost", agentId);
    if (listener != null) listener.agentLost(agentId, "Mesos agent lost");
  }

  private void error(String message) {
    LOG.error("Mesos master error: {}", message);
    stats.errors++;
    String m = message.toLowerCase(java.util.Locale.ROOT);
    if (m.contains("removed") || m.contains("torn down") || m.contains("teardown") || m.contains("completed framework")) {
      // the framework is gone for good: its id would be refused forever
      store.forget(message);
      frameworkId = "";
    }
    if (m.contains("failed over")) {
      failedOver(message);
      return;
    }
    if (connection != null) connection.drop("master error: " + message);
  }

  /**
   * Another scheduler instance subscribed as this framework, and the master now refuses this
   * one's stream id: on upone that is a newer leader, and Mesos's stream id fences this one.
   * It subscribes again only if it still leads (then the other was the stale one); a deposed
   * leader stays quiet, so the two never take the framework from each other in turn.
   */
  private void failedOver(String message) {
    SchedulerConnection c = connection;
    if (c == null) return;
    c.pause("master error: " + message);
    confirmLeadership(c, true);
  }

  private void confirmLeadership(SchedulerConnection c, boolean first) {
    store.stillLeads().whenComplete((leads, t) -> onContext(() -> {
      if (connection != c) return; // stopped (this node lost its term) or restarted meanwhile
      if (Boolean.TRUE.equals(leads)) {
        LOG.warn("another scheduler instance took framework {} over, but this one still leads: subscribing again", frameworkId);
        c.resume();
        return;
      }
      if (first) {
        stats.supplanted++;
        LOG.warn("framework {} failed over to another scheduler instance and this one no longer leads{}: not subscribing again",
            frameworkId, t == null ? "" : " (" + t.getMessage() + ")");
      }
      // asked again now and then: a leader whose read-index merely timed out must not stay unsubscribed
      vertx.setTimer(config.maxBackoffMs(), id -> confirmLeadership(c, false));
    }));
  }

  // ---- translation ------------------------------------------------------------------------------

  /**
   * Mesos states as upone's: TASK_UNKNOWN (the master has never heard of the task) means it will
   * never run, so it is LOST and replaced; TASK_GONE_BY_OPERATOR is GONE.
   */
  static TaskState state(TaskStatus s) {
    return switch (s.getState()) {
      case TASK_STAGING -> TaskState.TASK_STAGING;
      case TASK_STARTING -> TaskState.TASK_STARTING;
      case TASK_RUNNING -> TaskState.TASK_RUNNING;
      case TASK_KILLING -> TaskState.TASK_KILLING;
      case TASK_FINISHED -> TaskState.TASK_FINISHED;
      case TASK_FAILED -> TaskState.TASK_FAILED;
      case TASK_KILLED -> TaskState.TASK_KILLED;
      case TASK_ERROR -> TaskState.TASK_ERROR;
      case TASK_LOST, TASK_UNKNOWN -> TaskState.TASK_LOST;
      case TASK_DROPPED -> TaskState.TASK_DROPPED;
      case TASK_UNREACHABLE -> TaskState.TASK_UNREACHABLE;
      case TASK_GONE, TASK_GONE_BY_OPERATOR -> TaskState.TASK_GONE;
    };
  }

  private static String reason(TaskStatus s) {
    if (!s.hasReason()) return s.getState() == Protos.TaskState.TASK_UNKNOWN ? "unknown_to_master" : "";
    String n = s.getReason().name();
    return (n.startsWith("REASON_") ? n.substring(7) : n).toLowerCase(java.util.Locale.ROOT);
  }

  private static int exitCode(TaskStatus s) {
    Matcher m = EXIT.matcher(s.getMessage());
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** One OFFERS event: when it arrived, and whether one of its offers was accepted yet. */
  private static final class OffersEvent {
    final long receivedNs;
    boolean accepted;

    OffersEvent(long receivedNs) {
      this.receivedNs = receivedNs;
    }
  }

  /** What the driver did; read on any thread (plain counters, approximate while running). */
  public static final class Stats {
    public volatile long subscriptions;
    public volatile long offers;
    public volatile long declined;
    public volatile long launched;
    public volatile long updates;
    public volatile long acknowledged;
    public volatile long calls;
    public volatile long failedCalls;
    public volatile long errors;
    /** Times another scheduler instance took the framework over while this one no longer led. */
    public volatile long supplanted;
    private final Ring accepts = new Ring();
    private final Ring handling = new Ring();
    private final Ring firstAccepts = new Ring();

    synchronized void offerToAccept(long ns) {
      accepts.add(ns);
    }

    synchronized void firstAccept(long ns) {
      firstAccepts.add(ns);
    }

    synchronized void offersHandled(long ns) {
      handling.add(ns);
    }

    /** Offer received → ACCEPT sent (placement, TaskLaunched committed), over the latest 65,536 accepts, in ms. */
    public synchronized double offerToAcceptPercentileMs(double p) {
      return accepts.percentileMs(p);
    }

    /**
     * OFFERS event received → the first ACCEPT of one of its offers sent, per OFFERS event that had
     * any accepted (a burst of 1,000 offers counts once), in ms.
     */
    public synchronized double firstAcceptPercentileMs(double p) {
      return firstAccepts.percentileMs(p);
    }

    public synchronized int firstAcceptsMeasured() {
      return firstAccepts.size();
    }

    /** OFFERS event received → the scheduler done with it (placement; launches proposed, declines queued), in ms. */
    public synchronized double offersHandlingPercentileMs(double p) {
      return handling.percentileMs(p);
    }

    public synchronized void resetLatency() {
      accepts.clear();
      handling.clear();
      firstAccepts.clear();
    }

    public synchronized int acceptsMeasured() {
      return accepts.size();
    }

    /** The latest 65,536 durations. */
    private static final class Ring {
      private final long[] ns = new long[1 << 16];
      private int count;

      void add(long v) {
        ns[count++ & (ns.length - 1)] = v;
      }

      void clear() {
        count = 0;
      }

      int size() {
        return Math.min(count, ns.length);
      }

      double percentileMs(double p) {
        int n = size();
        if (n == 0) return 0;
        long[] copy = java.util.Arrays.copyOf(ns, n);
        java.util.Arrays.sort(copy);
        return copy[Math.min(n - 1, Math.max(0, (int) Math.ceil(p / 100.0 * n) - 1))] / 1e6;
      }
    }
  }
}
