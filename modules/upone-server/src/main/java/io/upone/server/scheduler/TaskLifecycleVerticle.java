package io.upone.server.scheduler;

import io.upone.agent.master.NativeDriver;
import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.driver.TaskReport;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import io.upone.eventlog.EventLog;
import io.upone.placement.Assignment;
import io.upone.placement.Demand;
import io.upone.placement.Placed;
import io.upone.placement.Placement;
import io.upone.placement.PlacementResult;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps actual = desired for every app, on the leader only. Launches are written to the log
 * (TaskLaunched) before they are sent; status reports are written as they arrive. Failed tasks
 * come back with exponential backoff; scale-down kills within a budget; tasks of lost agents
 * are LOST and replaced; tasks nobody asked for (orphans) are killed.
 */
public final class TaskLifecycleVerticle extends AbstractVerticle implements ClusterDriver.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(TaskLifecycleVerticle.class);
  private static final long RESEND_KILL_MS = 30_000;

  private final EventLog log;
  private final SchedulerConfig config;
  private final DriverFactory driverFactory;
  private ClusterDriver driver;
  private final Map<String, Backoff> backoff = new HashMap<>();
  private final Map<String, Long> killing = new HashMap<>();
  private final Map<String, Integer> launching = new HashMap<>();
  /** Apps with an UNREACHABLE task: recomputed by every tick, added to as reports arrive. */
  private Set<String> appsWithUnreachable = new HashSet<>();
  private final Map<String, TaskState> reporting = new HashMap<>();
  private boolean leader;
  private boolean revived;
  /** An offer was declined for lack of demand (with a long filter): new demand must revive. */
  private boolean declinedIdle;
  /** Since when each app has had unmet demand: after a while the spread is relaxed. */
  private final Map<String, Long> pendingSince = new HashMap<>();
  private static final long RELAX_SPREAD_AFTER_MS = 3000;
  private long timer = -1;
  private AutoCloseable leadership;
  private AutoCloseable appChanges;
  private final java.util.concurrent.atomic.AtomicBoolean nudgePending = new java.util.concurrent.atomic.AtomicBoolean();
  private JobRunner jobs;
  private final OfferCycle cycle;
  /** A run was fired: offers are wanted now, not at the next heartbeat. */
  private boolean reviveNow;

  /** Builds the cluster driver on the verticle's context: native agents or a Mesos master. */
  @FunctionalInterface
  public interface DriverFactory {
    ClusterDriver create(Vertx vertx, Context context);
  }

  public TaskLifecycleVerticle(EventLog log, SchedulerConfig config) {
    this(log, config, (vertx, context) -> new NativeDriver(vertx, context, config.heartbeatMs(), config.agentTimeoutMs()));
  }

  public TaskLifecycleVerticle(EventLog log, SchedulerConfig config, DriverFactory driverFactory) {
    this.log = log;
    this.config = config;
    this.driverFactory = driverFactory;
    this.cycle = new OfferCycle(new Placement(config.placement()));
  }

  public ClusterDriver driver() {
    return driver;
  }

  /** The native-agent driver, when this server drives its own agents (not Mesos). */
  public java.util.Optional<NativeDriver> nativeDriver() {
    return driver instanceof NativeDriver n ? java.util.Optional.of(n) : java.util.Optional.empty();
  }

  /** Why an app is pending: its last placement report and what is still missing (leader only). */
  public Future<PlacementStatus> placementOf(String appId) {
    return onLeaderContext(() -> {
      State s = log.state();
      int missing = s.app(appId).map(a -> Math.max(0, a.getInstances() - liveCount(s, appId, killingApps(s))
          - launching.getOrDefault(appId, 0))).orElse(0);
      return cycle.report(appId).map(r -> new PlacementStatus(missing, r.report(), r.atMs(), cycle.lastOffersAtMs()))
          .orElseGet(() -> new PlacementStatus(missing, null, 0, cycle.lastOffersAtMs()));
    });
  }

  /** Where {@code app}'s instances would go now, against every agent's free resources; writes nothing. */
  public Future<PlacementResult> whatIf(AppSpec app) {
    return onLeaderContext(() -> cycle.whatIf(log.state(), app, driver.capacity(), driver.agents()));
  }

  private <T> Future<T> onLeaderContext(java.util.function.Supplier<T> read) {
    return Future.future(p -> context.runOnContext(v -> {
      if (!leader) {
        p.fail(notLeader());
      } else {
        p.complete(read.get());
      }
    }));
  }

  private static io.upone.core.Problem.Failure notLeader() {
    return new io.upone.core.Problem(io.upone.core.Problem.Kind.UNAVAILABLE, "not_leader",
        "this node is not the leader; retry", java.util.List.of()).asFailure();
  }

  /** The agents the driver knows, read on the scheduler's context. */
  public Future<Map<String, ClusterDriver.Agent>> knownAgents() {
    return onLeaderContext(() -> driver.agents());
  }

  @Override
  public void start() {
    driver = driverFactory.create(vertx, context);
    jobs = new JobRunner(log, command -> context.runOnContext(v -> command.run()));
    leadership = log.onLeadership(l -> context.runOnContext(v -> {
      if (l.leader()) lead();
      else follow();
    }));
    // an app that wants more (or fewer) tasks is acted on at once, not at the next tick
    appChanges = log.onCommitted(events -> {
      for (io.upone.core.proto.Event e : events) {
        if (e.hasAppCreated() || e.hasAppUpdated() || e.hasAppScaled() || e.hasAppDeleted()) {
          if (!nudgePending.getAndSet(true)) {
            context.runOnContext(v -> {
              nudgePending.set(false);
              reviveNow = true;
              tick();
            });
          }
          return;
        }
      }
    });
    if (log.isLeader()) lead();
  }

  @Override
  public void stop() throws Exception {
    leadership.close();
    appChanges.close();
    follow();
  }

  private void lead() {
    if (leader) return;
    leader = true;
    revived = false;
    driver.start(this);
    appsWithUnreachable = new HashSet<>();
    for (Task t : log.state().tasks()) if (t.state() == TaskState.TASK_UNREACHABLE) appsWithUnreachable.add(t.appId());
    // Reconcile: every task the log knows must be reported by its agent, or it becomes LOST.
    List<ClusterDriver.TaskRef> known = log.state().tasks().stream()
        .map(t -> new ClusterDriver.TaskRef(t.id(), t.agentId())).toList();
    driver.reconcile(known);
    timer = vertx.setPeriodic(config.tickMs(), id -> tick());
    LOG.info("leading: reconciling {} known tasks", known.size());
  }

  private void follow() {
    if (!leader) return;
    leader = false;
    vertx.cancelTimer(timer);
    driver.stop();
    backoff.clear();
    pendingSince.clear();
    killing.clear();
    launching.clear();
    reporting.clear();
    jobs.clear();
    cycle.clear();
  }

  /** Something changed that may need a task now (a job run was fired): look without waiting a tick. */
  public void nudge() {
    context.runOnContext(v -> {
      reviveNow = true;
      tick();
    });
  }

  // ---- desired vs actual -------------------------------------------------------------------------

  /**
   * Tasks that count toward an app's instances: alive, not being killed, not a job run's, and
   * reachable (a task on a partitioned Mesos agent is replaced at once; if it comes back, the
   * surplus is scaled down).
   */
  private List<Task> live(State s, String appId) {
    List<Task> out = new ArrayList<>();
    for (Task t : s.tasksOf(appId)) if (counts(t)) out.add(t);
    return out;
  }

  private boolean counts(Task t) {
    return t.runId().isEmpty() && t.state() != TaskState.TASK_UNREACHABLE && (killing.isEmpty() || !killing.containsKey(t.id()));
  }

  /**
   * {@code live(s, appId).size()} without building the list, and without walking the app's
   * tasks when none of them can be excluded: every offer is answered against every app.
   * {@code killingApps}: the apps of the tasks being killed ({@link #killingApps}).
   */
  private int liveCount(State s, String appId, Set<String> killingApps) {
    if (!killingApps.contains(appId) && !appsWithUnreachable.contains(appId)) return s.tasksOf(appId).size();
    int n = 0;
    for (Task t : s.tasksOf(appId)) if (counts(t)) n++;
    return n;
  }

  private Set<String> killingApps(State s) {
    if (killing.isEmpty()) return Set.of();
    Set<String> out = new HashSet<>();
    for (String id : killing.keySet()) s.task(id).ifPresent(t -> out.add(t.appId()));
    return out;
  }

  private List<Demand> demands(State s, long now) {
    List<Demand> out = new ArrayList<>();
    Set<String> killingApps = killingApps(s);
    s.apps().stream().sorted(Comparator.comparing(AppSpec::getId)).forEach(app -> {
      int missing = app.getInstances() - liveCount(s, app.getId(), killingApps) - launching.getOrDefault(app.getId(), 0);
      Backoff b = backoff.get(app.getId());
      if (missing > 0 && (b == null || b.delayMs(now) == 0)) {
        long since = pendingSince.computeIfAbsent(app.getId(), k -> now);
        out.add(new Demand(app, missing, now - since > RELAX_SPREAD_AFTER_MS));
      } else if (missing <= 0) {
        pendingSince.remove(app.getId());
      }
    });
    out.addAll(jobs.demands());
    return out;
  }

  private void tick() {
    if (!leader) return;
    State s = log.state();
    long now = System.currentTimeMillis();
    Set<String> killingApps = killingApps(s);
    for (AppSpec app : s.apps()) {
      Backoff b = backoff.get(app.getId());
      boolean failing = b != null && b.failures > 0;
      int excess = liveCount(s, app.getId(), killingApps) - app.getInstances();
      if (!failing && excess <= 0) continue; // the common case: no list to build
      List<Task> live = live(s, app.getId());
      if (failing && live.stream().anyMatch(t -> t.state() == TaskState.TASK_RUNNING
          && now - t.runningAtMs() > Math.max(5000, b.delayMs(now)))) {
        b.reset();
      }
      if (excess > 0) scaleDown(s, app, live, excess);
    }
    // tasks of deleted apps, kills that went unanswered, unreachable tasks given up
    List<Task> expunge = new ArrayList<>();
    Set<String> unreachable = new HashSet<>();
    for (Task t : s.tasks()) {
      if (t.state() == TaskState.TASK_UNREACHABLE) {
        unreachable.add(t.appId());
        if (now - t.updatedAtMs() > config.unreachableExpungeMs()) expunge.add(t);
      }
      if (t.runId().isEmpty() && s.app(t.appId()).isEmpty() && !killing.containsKey(t.id())) kill(t, "app deleted");
      Long sent = killing.get(t.id());
      if (sent != null && now - sent > RESEND_KILL_MS) kill(t, "kill resent");
    }
    killing.keySet().removeIf(id -> s.task(id).isEmpty());
    reporting.forEach((id, st) -> {
      if (st == TaskState.TASK_UNREACHABLE) s.task(id).ifPresent(t -> unreachable.add(t.appId()));
    });
    appsWithUnreachable = unreachable;
    if (!expunge.isEmpty()) expunge(expunge);
    jobs.step(s, now, (t, why) -> {
      if (!killing.containsKey(t.id())) kill(t, why);
    });
    boolean demand = !demands(s, now).isEmpty();
    if (demand && (!revived || declinedIdle || reviveNow)) {
      driver.revive();
      declinedIdle = false;
    }
    reviveNow = false;
    if (!demand && revived) driver.suppress();
    revived = demand;
  }

  /**
   * Tasks unreachable for too long (their replacements run already) are written LOST and killed:
   * if their agent comes back, Mesos stops them instead of leaving them beside their replacements.
   */
  private void expunge(List<Task> candidates) {
    List<Task> tasks = new ArrayList<>();
    for (Task t : candidates) if (reporting.putIfAbsent(t.id(), TaskState.TASK_LOST) == null) tasks.add(t);
    if (tasks.isEmpty()) return;
    LOG.warn("{} tasks unreachable too long: LOST, and killed should they return", tasks.size());
    Future.fromCompletionStage(log.append(lost(tasks, "unreachable_expunged",
        "unreachable for more than " + config.unreachableExpungeMs() / 1000 + " s")), context).onComplete(ar -> {
      for (Task t : tasks) reporting.remove(t.id());
      if (ar.succeeded()) for (Task t : tasks) driver.kill(t.agentId(), t.id(), 0);
    });
  }

  /** One proposal writing every task of {@code tasks} LOST. */
  private static Proposal lost(List<Task> tasks, String reason, String message) {
    Proposal.Builder p = Proposal.newBuilder();
    long now = System.currentTimeMillis();
    for (Task t : tasks) {
      p.addEvents(Event.newBuilder().setTimestampMs(now).setTaskStatusChanged(TaskStatusChanged.newBuilder()
          .setTaskId(t.id()).setState(TaskState.TASK_LOST).setReason(reason).setMessage(message)));
    }
    return p.build();
  }

  /** Victims: not yet running first, then unhealthy, then the newest; within the kill budget. */
  private void scaleDown(State s, AppSpec app, List<Task> live, int excess) {
    long killingNow = s.tasksOf(app.getId()).stream().filter(t -> killing.containsKey(t.id())).count();
    int budget = (int) Math.max(1, Math.ceil(config.killBudget() * Math.max(app.getInstances(), live.size())));
    int allowed = (int) Math.min(excess, budget - killingNow);
    live.stream().sorted(Comparator
            .comparing((Task t) -> t.state() == TaskState.TASK_RUNNING)
            .thenComparing(t -> !Boolean.FALSE.equals(t.healthy()))
            .thenComparing(Comparator.comparingLong(Task::launchedAtMs).reversed()))
        .limit(Math.max(0, allowed))
        .forEach(t -> kill(t, "scale down"));
  }

  private void kill(Task t, String why) {
    killing.put(t.id(), System.currentTimeMillis());
    AppSpec app = log.state().app(t.appId()).orElse(null);
    int grace = app == null || app.getTaskKillGracePeriodSeconds() == 0 ? 3 : app.getTaskKillGracePeriodSeconds();
    LOG.info("killing {} ({})", t.id(), why);
    driver.kill(t.agentId(), t.id(), grace);
  }

  /** Kills one task on request (API); it is replaced unless the app was scaled down first. */
  public Future<Void> killTask(String taskId) {
    return Future.future(p -> context.runOnContext(v -> {
      Task t = log.state().task(taskId).orElse(null);
      if (t == null) {
        p.fail(io.upone.core.Problem.notFound("task_not_found", "task " + taskId + " does not exist").asFailure());
      } else if (!leader) {
        p.fail(notLeader());
      } else {
        kill(t, "requested");
        p.complete();
      }
    }));
  }

  // ---- offers ------------------------------------------------------------------------------------

  @Override
  public void offers(Collection<Offer> offers) {
    if (!leader) return;
    State s = log.state();
    long now = System.currentTimeMillis();
    List<Demand> demands = demands(s, now);
    if (demands.isEmpty()) {
      for (Offer offer : offers) driver.decline(offer.offerId(), 30);
      declinedIdle = true;
      return;
    }
    Map<String, AppSpec> apps = new HashMap<>();
    for (Demand d : demands) apps.put(d.app().getId(), d.app());
    PlacementResult placed = cycle.place(s, demands, offers, driver.agents(), now);
    Map<String, List<Assignment>> byOffer = new LinkedHashMap<>();
    for (Assignment a : placed.assignments()) byOffer.computeIfAbsent(a.offerId(), k -> new ArrayList<>()).add(a);
    for (Offer offer : offers) {
      List<Assignment> here = byOffer.get(offer.offerId());
      if (here == null) driver.decline(offer.offerId(), config.refuseSeconds());
      else launch(offer, here, apps, now);
    }
  }

  private void launch(Offer offer, List<Assignment> placed, Map<String, AppSpec> apps, long now) {
    Proposal.Builder p = Proposal.newBuilder();
    List<TaskLaunch> launches = new ArrayList<>();
    List<String> runs = new ArrayList<>();
    for (Assignment pl : placed) {
      AppSpec app = apps.get(pl.appId());
      String taskId = TaskIds.next(app.getId());
      JobRunner.PendingRun run = jobs.isJob(app.getId()) ? jobs.claim(app.getId()) : null;
      if (jobs.isJob(app.getId()) && run == null) continue;
      TaskLaunched.Builder launched = TaskLaunched.newBuilder()
          .setTaskId(taskId).setAppId(app.getId()).setAppVersion(app.getVersion()).setAgentId(offer.agentId())
          .setHostname(offer.hostname()).addAllHostPorts(pl.hostPorts());
      if (run != null) {
        launched.setRunId(run.run().getRunId());
        runs.add(run.run().getRunId());
      } else {
        launching.merge(app.getId(), 1, Integer::sum);
      }
      cycle.launching(taskId, new Placed(taskId, app.getId(), offer.agentId(), app.getLabelsMap()));
      p.addEvents(Event.newBuilder().setTimestampMs(now).setTaskLaunched(launched));
      launches.add(TaskLaunch.of(taskId, app, offer.agentId(), run != null ? JobRunner.env(run) : app.getEnvMap(), pl.hostPorts()));
    }
    // written to the log first: a new leader knows every task that may exist
    Future.fromCompletionStage(log.append(p.build()), context).onComplete(ar -> {
      for (TaskLaunch l : launches) {
        if (!jobs.isJob(l.appId())) launching.computeIfPresent(l.appId(), (k, n) -> n <= 1 ? null : n - 1);
      }
      runs.forEach(jobs::launchWritten);
      for (TaskLaunch l : launches) cycle.launchWritten(l.taskId());
      if (ar.succeeded() && leader) {
        driver.launch(offer.offerId(), launches);
      } else {
        driver.decline(offer.offerId(), 1);
      }
    });
  }

  @Override
  public void rescinded(String offerId) {
    // native offers are never rescinded; a launch on a rescinded Mesos offer is reported
    // TASK_DROPPED by the driver, and the task is replaced like any other
  }

  // ---- reports -----------------------------------------------------------------------------------

  @Override
  public void report(TaskReport r) {
    if (!leader) return;
    State s = log.state();
    Task t = s.task(r.taskId()).orElse(null);
    if (t == null) {
      if (!Task.isTerminal(r.state())) {
        if (killing.putIfAbsent(r.taskId(), System.currentTimeMillis()) == null) {
          LOG.warn("orphan task {} on agent {}: unknown to the log, killing it", r.taskId(), r.agentId());
          driver.kill(r.agentId(), r.taskId(), 3);
        }
      }
      // nothing to commit for a task the log does not hold; its later updates (KILLED) wait behind this one
      driver.acknowledge(r);
      return;
    }
    if (t.state() == r.state() && (r.healthy() == null || r.healthy().equals(t.healthy()))) {
      driver.acknowledge(r); // already committed (a resent update, or a reconciliation answer)
      return;
    }
    if (reporting.get(r.taskId()) == r.state()) return; // the same change is being written
    reporting.put(r.taskId(), r.state());
    if (r.state() == TaskState.TASK_UNREACHABLE) appsWithUnreachable.add(t.appId());
    TaskStatusChanged.Builder c = TaskStatusChanged.newBuilder().setTaskId(r.taskId()).setState(r.state())
        .setMessage(r.message()).setReason(r.reason()).setExitCode(r.exitCode());
    if (r.healthy() != null) c.setHasHealth(true).setHealthy(r.healthy());
    long now = System.currentTimeMillis();
    Future.fromCompletionStage(log.append(Proposal.newBuilder()
            .addEvents(Event.newBuilder().setTimestampMs(now).setTaskStatusChanged(c)).build()), context)
        .onComplete(ar -> {
          reporting.remove(r.taskId());
          if (ar.failed()) return; // the next heartbeat reports it again
          driver.acknowledge(r);
          if (Task.isTerminal(r.state()) && !t.runId().isEmpty()) tick(); // end or retry the run now
          if (Task.isTerminal(r.state())) {
            boolean wanted = killing.remove(r.taskId()) != null;
            if (!wanted && (r.state() == TaskState.TASK_FAILED || r.state() == TaskState.TASK_ERROR)) {
              log.state().app(t.appId()).ifPresent(app -> backoff.computeIfAbsent(app.getId(), k -> new Backoff()).failed(app, now));
            }
          }
        });
  }

  @Override
  public void agentLost(String agentId, String reason) {
    if (!leader) return;
    List<Task> onAgent = log.state().tasks().stream().filter(t -> t.agentId().equals(agentId)).toList();
    if (onAgent.isEmpty()) return;
    LOG.warn("agent {} lost ({}): {} tasks LOST, to be replaced", agentId, reason, onAgent.size());
    Future.fromCompletionStage(log.append(lost(onAgent, "agent_lost", reason)), context);
  }
}
