package io.upone.server.lifecycle;

import io.upone.core.Problem;
import io.upone.core.driver.TaskReport;
import io.upone.core.command.DeploymentCommands;
import io.upone.core.proto.AlertRaised;
import io.upone.core.proto.Deployment;
import io.upone.core.proto.Event;
import io.upone.core.proto.JobRunFinished;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import io.upone.eventlog.EventLog;
import io.upone.server.bus.Addresses;
import io.upone.server.bus.Committed;
import io.upone.server.bus.CommittedFeed;
import io.upone.server.bus.LeaderOnly;
import io.upone.server.bus.LocalCodec;
import io.upone.server.config.SchedulerConfig;
import io.upone.server.driver.DriverClient;
import io.upone.server.driver.DriverEvent;
import io.upone.server.offers.OffersClient;
import io.upone.server.lb.DrainGate;
import io.upone.server.offers.Wanted;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps actual = desired, on the leader only, by carrying out the {@link Reconciler}'s decisions:
 * kills go to the driver, what is wanted goes to the offers verticle, task reports and lost agents
 * are written to the log. It decides on every tick and whenever a committed event changes what is
 * wanted (an app changed, a task ended, a job run fired), read from the committed-event feed.
 */
public final class LifecycleVerticle extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(LifecycleVerticle.class);
  static final String CODEC = "upone.lifecycle";

  private final EventLog log;
  private final SchedulerConfig config;
  private final Clock clock;
  private final Reconciler reconciler;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private DriverClient driver;
  private OffersClient offers;
  private DeliveryOptions opts;
  private LeaderOnly leadership;
  private InFlight inFlight = new InFlight();
  private long timer = -1;
  /** What the commits since the last pass ask for; a pass is queued while it is pending. */
  private final PendingPass queued = new PendingPass();
  /** The view the last pass decided on: where a task that has since ended is still found. */
  private State seen;
  /** How long the last pass took and when it ended (nanoTime): paces the passes a burst of commits queues. */
  private long lastPassNanos;
  private long lastPassEndNanos;

  public LifecycleVerticle(EventLog log, SchedulerConfig config, Clock clock) {
    this.log = log;
    this.config = config;
    this.clock = clock;
    this.reconciler = new Reconciler(config);
  }

  @Override
  public void start() {
    driver = new DriverClient(vertx);
    offers = new OffersClient(vertx);
    opts = LocalCodec.options(vertx, CODEC);
    consumers.add(CommittedFeed.onCommitted(vertx, this::committed));
    consumers.add(vertx.eventBus().<DriverEvent>localConsumer(Addresses.DRIVER_REPORTS, m -> {
      if (!leadership.leading()) return;
      if (m.body() instanceof DriverEvent.Report r) report(r.report());
      else if (m.body() instanceof DriverEvent.AgentLost a) agentLost(a.agentId(), a.reason());
    }));
    consumers.add(vertx.eventBus().<String>localConsumer(Addresses.LIFECYCLE_KILL, this::killRequested));
    leadership = new LeaderOnly(vertx, log, this::lead, this::follow);
    leadership.start();
  }

  @Override
  public void stop() {
    consumers.forEach(MessageConsumer::unregister);
    leadership.stop();
  }

  private void lead() {
    inFlight = new InFlight();
    timer = vertx.setPeriodic(config.tickMs(), id -> {
      pass(Reconciler.Scope.FULL, false);
      releaseHeld();
    });
    pass(Reconciler.Scope.FULL, true);
  }

  private void follow() {
    vertx.cancelTimer(timer);
    inFlight = new InFlight();
    queued.clear();
    seen = null;
  }

  /** Committed events that change what is wanted queue a pass: app and job changes a full one. */
  private void committed(Committed c) {
    if (!leadership.leading()) return;
    boolean wasQueued = queued.pending();
    queued.add(c.events(), log.view(), seen);
    if (wasQueued || !queued.pending()) return;
    // under a stream of commits, passes would run back to back and hold this event loop (and a
    // core) for ever: the next one waits as long as the last one took, so at most half the time goes to them
    long waitMs = (lastPassEndNanos + lastPassNanos - System.nanoTime()) / 1_000_000;
    if (waitMs <= 0) context.runOnContext(v -> runQueued());
    else vertx.setTimer(waitMs, id -> runQueued());
  }

  private void runQueued() {
    if (!queued.pending()) return;
    Reconciler.Scope s = queued.scope();
    boolean u = queued.urgent();
    Set<String> apps = queued.apps();
    queued.clear();
    if (leadership.leading()) pass(s, u, apps);
  }

  private void pass(Reconciler.Scope scope, boolean urgent) {
    pass(scope, urgent, null);
  }

  /** A pass over {@code apps} (null: every app). */
  private void pass(Reconciler.Scope scope, boolean urgent, Set<String> apps) {
    long started = System.nanoTime();
    try {
      decideAndAct(scope, urgent, apps);
    } finally {
      lastPassEndNanos = System.nanoTime();
      lastPassNanos = lastPassEndNanos - started;
    }
  }

  private void decideAndAct(Reconciler.Scope scope, boolean urgent, Set<String> apps) {
    long now = clock.millis();
    State view = log.view();
    Decisions d = reconciler.reconcile(view, inFlight, now, scope, apps);
    seen = view;
    inFlight.lastShort = d.missing().keySet();
    d.forgetKills().forEach(inFlight.killing::remove);
    for (Decisions.Kill k : d.kills()) kill(k.task(), k.reason(), k.gracePeriodSeconds(), now);
    for (String app : d.backoffResets()) inFlight.backoffOf(app).reset();
    inFlight.pendingSince = d.pendingSince();
    if (d.appsWithUnreachable() != null) inFlight.appsWithUnreachable = d.appsWithUnreachable();
    if (!d.expunge().isEmpty()) expunge(d.expunge(), now);
    for (Decisions.RunEnd end : d.runEnds()) finishRun(end, now);
    d.healthKills().forEach((app, n) -> inFlight.healthKilled(app, n, now));
    for (Decisions.Alert a : d.alerts()) raise(a, a.appId(), now);
    for (Decisions.DeploymentAction a : d.deploymentActions()) deploymentStep(a, now);
    vertx.eventBus().send(Addresses.OFFERS_WANTED, new Wanted(d.atIndex(), d.missing(), d.demands(), d.runs(), urgent), opts);
  }

  /**
   * A task about to be killed is written KILLING (not waited for) just before the kill is sent:
   * readers of the log (the API, the UI) stop listing it as running while it drains its requests.
   */
  private void markKilling(Task t, long now) {
    if (t.state() == TaskState.TASK_KILLING || Task.isTerminal(t.state())) return;
    append(Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(now).setTaskStatusChanged(
        TaskStatusChanged.newBuilder().setTaskId(t.id()).setState(TaskState.TASK_KILLING).setReason("killing")
            .setMessage("being killed"))).build());
  }

  private void kill(Task t, String why, int grace, long now) {
    inFlight.killSent(t.id(), now);
    LOG.info("killing {} ({})", t.id(), why);
    // the load balancers stop sending to it first, so its in-flight requests finish; only then is it
    // written KILLING (earlier, a load balancer would learn of it from the log and not wait for the drain)
    DrainGate.before(vertx, t.id()).onComplete(v -> {
      markKilling(t, clock.millis());
      driver.kill(t.agentId(), t.id(), grace);
    });
  }

  /**
   * Tasks unreachable for too long (their replacements run already) are written LOST and killed:
   * if their agent comes back, it stops them instead of leaving them beside their replacements.
   */
  private void expunge(List<Task> tasks, long now) {
    for (Task t : tasks) inFlight.reporting.put(t.id(), TaskState.TASK_LOST);
    LOG.warn("{} tasks unreachable too long: LOST, and killed should they return", tasks.size());
    append(lost(tasks, "unreachable_expunged", "unreachable for more than " + config.unreachableExpungeMs() / 1000 + " s",
        now)).onComplete(ar -> {
          for (Task t : tasks) inFlight.reporting.remove(t.id());
          if (ar.succeeded()) for (Task t : tasks) driver.kill(t.agentId(), t.id(), 0);
        });
  }

  private void finishRun(Decisions.RunEnd end, long now) {
    inFlight.finishing.add(end.runId());
    LOG.info("job {} run {} ends {}: {}", end.jobId(), end.runId(), end.finish().state(), end.finish().message());
    InFlight mine = inFlight;
    append(Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(now)
        .setJobRunFinished(JobRunFinished.newBuilder().setJobId(end.jobId()).setRunId(end.runId())
            .setState(end.finish().state()).setExitCode(end.finish().exitCode()).setMessage(end.finish().message())))
        .build()).onComplete(ar -> mine.finishing.remove(end.runId()));
  }

  /** Writes the alert; {@code rateKey} is what {@link InFlight#alertedRecently} limits to once a minute. */
  private void raise(Decisions.Alert a, String rateKey, long now) {
    inFlight.alerted.put(rateKey, now);
    LOG.warn("alert {} for {}: {}", a.kind(), a.appId(), a.message());
    append(Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(now).setAlertRaised(
        AlertRaised.newBuilder().setKind(a.kind()).setAppId(a.appId()).setMessage(a.message()))).build());
  }

  /** Writes a deployment's next step; a rollback or stop at the deadline says why tasks were pending. */
  private void deploymentStep(Decisions.DeploymentAction a, long now) {
    Deployment dep = a.deployment();
    String id = dep.getStarted().getDeploymentId();
    InFlight mine = inFlight;
    mine.deploymentWrites.add(id);
    Future<String> why = a.action() instanceof DeploymentPlan.RollBack || a.action() instanceof DeploymentPlan.Cancel
        ? offers.whyPending(dep.getStarted().getAppId())
            .map(st -> st.pending() > 0 && st.report() != null ? "; pending: " + st.report().summary() : "")
            .otherwise("")
        : Future.succeededFuture("");
    why.compose(pending -> {
      Proposal p;
      try {
        p = proposal(dep, a.action(), pending, now);
      } catch (Problem.Failure f) {
        return Future.failedFuture(f);
      }
      LOG.info("deployment {} of {}: {}", id, dep.getStarted().getAppId(), a.action());
      return append(p);
    }).onComplete(ar -> {
      mine.deploymentWrites.remove(id);
      if (ar.failed()) LOG.warn("deployment {}: step not written: {}", id, ar.cause().getMessage());
    });
  }

  private Proposal proposal(Deployment dep, DeploymentPlan.Action action, String pending, long now) {
    if (action instanceof DeploymentPlan.Phase ph) return DeploymentCommands.phase(dep, ph.phase(), ph.message(), now);
    if (action instanceof DeploymentPlan.Succeed) return DeploymentCommands.succeeded(dep, now);
    if (action instanceof DeploymentPlan.RollBack r) return DeploymentCommands.rollback(log.view(), dep, r.reason() + pending, now);
    return DeploymentCommands.cancel(dep, ((DeploymentPlan.Cancel) action).reason() + pending, now);
  }

  /** One proposal writing every task of {@code tasks} LOST. */
  private static Proposal lost(List<Task> tasks, String reason, String message, long now) {
    Proposal.Builder p = Proposal.newBuilder();
    for (Task t : tasks) {
      p.addEvents(Event.newBuilder().setTimestampMs(now).setTaskStatusChanged(TaskStatusChanged.newBuilder()
          .setTaskId(t.id()).setState(TaskState.TASK_LOST).setReason(reason).setMessage(message)));
    }
    return p.build();
  }

  private Future<List<Event>> append(Proposal p) {
    return Future.fromCompletionStage(log.append(p), context);
  }

  // ---- reports -----------------------------------------------------------------------------------

  private void report(TaskReport r) {
    inFlight.heldLost.remove(r.taskId()); // its agent is back: the task was not lost after all
    State s = log.view();
    Reconciler.ReportAction action = reconciler.report(s, inFlight, r);
    if (action instanceof Reconciler.ReportAction.Acknowledge) {
      driver.acknowledge(r);
    } else if (action instanceof Reconciler.ReportAction.KillOrphan) {
      LOG.warn("orphan task {} on agent {}: unknown to the log, killing it", r.taskId(), r.agentId());
      inFlight.killSent(r.taskId(), clock.millis());
      driver.kill(r.agentId(), r.taskId(), Reconciler.DEFAULT_GRACE_SECONDS);
      // nothing to commit for a task the log does not hold; its later updates (KILLED) wait behind this one
      driver.acknowledge(r);
    } else if (action instanceof Reconciler.ReportAction.Write w) {
      write(r, w.change(), s.task(r.taskId()).map(Task::appId).orElse(""));
    }
  }

  private void write(TaskReport r, TaskStatusChanged change, String appId) {
    inFlight.reporting.put(r.taskId(), r.state());
    if (r.state() == TaskState.TASK_UNREACHABLE) inFlight.appsWithUnreachable.add(appId);
    long now = clock.millis();
    InFlight mine = inFlight;
    append(Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(now).setTaskStatusChanged(change)).build())
        .onComplete(ar -> {
          mine.reporting.remove(r.taskId());
          if (ar.failed() || mine != inFlight) return; // the next report (or the next leader) writes it
          driver.acknowledge(r);
          if (Task.isTerminal(r.state())) {
            boolean wasKilled = inFlight.killing.remove(r.taskId()) != null;
            if (Reconciler.failureCounts(r, wasKilled)) {
              log.view().app(appId).ifPresent(app -> inFlight.backoffOf(appId).failed(app, now));
            }
          }
        });
  }

  private void agentLost(String agentId, String reason) {
    State s = log.view();
    List<Task> onAgent = Reconciler.onAgent(s, agentId);
    if (onAgent.isEmpty()) return;
    long now = clock.millis();
    LostBudget.Split split = LostBudget.split(s, onAgent, inFlight, config.lostBudget(), now);
    for (Task t : split.held()) inFlight.heldLost.put(t.id(), agentId);
    LOG.warn("agent {} lost ({}): {} tasks LOST, to be replaced; {} held by the lost budget", agentId, reason,
        split.lostNow().size(), split.held().size());
    writeLost(split, "agent_lost", reason, now);
  }

  private void writeLost(LostBudget.Split split, String why, String message, long now) {
    for (Task t : split.lostNow()) {
      inFlight.heldLost.remove(t.id());
      if (t.runId().isEmpty()) inFlight.wroteLost(t.appId(), 1, now);
    }
    if (!split.lostNow().isEmpty()) append(lost(split.lostNow(), why, message, now));
    for (Decisions.Alert a : split.alerts()) raise(a, LostBudget.alertKey(a.appId()), now);
  }

  /**
   * Tasks held by the lost budget: kept when their agent is back (or they ended), written LOST as
   * the budget comes back otherwise.
   */
  private void releaseHeld() {
    if (inFlight.heldLost.isEmpty()) return;
    InFlight mine = inFlight;
    driver.agents().onSuccess(agents -> {
      if (mine != inFlight) return;
      State s = log.view();
      List<Task> still = new ArrayList<>();
      for (java.util.Iterator<Map.Entry<String, String>> it = mine.heldLost.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, String> e = it.next();
        Task t = s.task(e.getKey()).orElse(null);
        if (t == null || Task.isTerminal(t.state()) || agents.containsKey(e.getValue())) it.remove();
        else still.add(t);
      }
      if (!still.isEmpty()) writeLost(LostBudget.split(s, still, mine, config.lostBudget(), clock.millis()), "agent_lost",
          "its agent did not come back", clock.millis());
    });
  }

  /** Kills one task on request (API); it is replaced unless the app was scaled down first. */
  private void killRequested(Message<String> m) {
    State s = log.view();
    Task t = s.task(m.body()).orElse(null);
    if (t == null) {
      m.reply(Problem.notFound("task_not_found", "task " + m.body() + " does not exist"), opts);
    } else if (!leadership.leading()) {
      m.reply(new Problem(Problem.Kind.UNAVAILABLE, "not_leader", "this node is not the leader; retry", List.of()), opts);
    } else {
      int grace = s.app(t.appId()).map(a -> a.getTaskKillGracePeriodSeconds()).filter(g -> g > 0)
          .orElse(Reconciler.DEFAULT_GRACE_SECONDS);
      kill(t, "requested", grace, clock.millis());
      m.reply(Boolean.TRUE, opts);
    }
  }
}
