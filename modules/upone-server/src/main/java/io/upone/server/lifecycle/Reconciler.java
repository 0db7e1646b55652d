package io.upone.server.lifecycle;

import io.upone.core.driver.TaskReport;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Deployment;
import io.upone.core.proto.JobRecord;
import io.upone.core.proto.JobRun;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import io.upone.cron.RunProgress;
import io.upone.placement.Demand;
import io.upone.server.config.SchedulerConfig;
import io.upone.server.cron.JobRuns;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Desired against actual, as a pure function: the log's state, what is in flight and the time
 * in; decisions out (place these, kill those, give these up, end those runs). No I/O, no clock,
 * no Vert.x: {@link LifecycleVerticle} carries the decisions out, and tests pick the instant.
 */
public final class Reconciler {
  /** A kill that went unanswered this long is sent again. */
  static final long RESEND_KILL_MS = 30_000;
  /** Unmet demand this old relaxes the app's spread: it takes any agent that fits. */
  static final long RELAX_SPREAD_AFTER_MS = 3000;
  /** A task that ran this long (or longer than the delay) ends its app's backoff. */
  static final long BACKOFF_RESET_RUNNING_MS = 5000;
  static final int DEFAULT_GRACE_SECONDS = 3;

  /** How much to look at: everything, or only what is to be placed (cheap, on every change). */
  public enum Scope { FULL, DEMANDS }

  private final SchedulerConfig config;

  public Reconciler(SchedulerConfig config) {
    this.config = config;
  }

  public Decisions reconcile(State s, InFlight f, long now, Scope scope) {
    return reconcile(s, f, now, scope, null);
  }

  /**
   * A pass over the apps that changed since the last one ({@code apps}; null: every app). Given,
   * a FULL pass checks only those apps (health kills, scale-downs, tasks of deleted apps) and
   * leaves the time-based checks of every task (kills to resend, unreachable tasks to give up) to
   * the periodic pass over all; the demands are decided over every app whose demand can have
   * changed ({@link Pass#mayBeShort}), so they are those a pass over every app would give.
   */
  public Decisions reconcile(State s, InFlight f, long now, Scope scope, Set<String> apps) {
    long atIndex = s.lastEventIndex(); // read first: what follows reflects at least this much
    Pass p = new Pass(s, f, now);
    Set<String> unreachable = null;
    Set<String> forget = Set.of();
    List<Task> expunge = List.of();
    Map<String, DeploymentPlan.Step> deploying = p.deployments();
    List<Decisions.Alert> alerts = List.of();
    if (scope == Scope.FULL) {
      Iterable<AppSpec> changed = apps == null ? s.apps() : p.present(apps);
      alerts = p.healthKills(changed);
      p.appsNeedingCare(deploying.keySet(), changed);
      if (apps == null) {
        unreachable = new HashSet<>();
        expunge = new ArrayList<>();
        forget = p.tasks(unreachable, expunge);
      } else {
        p.tasksOfDeleted(apps);
      }
    }
    List<JobRuns.PendingRun> runs = p.jobRuns();
    Set<String> appsWithUnreachable = unreachable == null ? f.appsWithUnreachable : unreachable;
    Map<String, Integer> missing = new LinkedHashMap<>();
    List<Demand> demands = new ArrayList<>();
    Map<String, Long> pendingSince = new HashMap<>();
    Set<String> killingApps = p.killingApps();
    // most apps are complete: only those short of tasks are sorted (by id, the order demands are served in)
    List<AppSpec> shortApps = new ArrayList<>();
    Map<String, Integer> shortBy = new HashMap<>();
    Iterable<AppSpec> candidates = apps == null ? s.apps()
        : p.present(p.mayBeShort(apps, deploying.keySet(), killingApps, appsWithUnreachable));
    for (AppSpec app : candidates) {
      DeploymentPlan.Step step = deploying.get(app.getId());
      int n = step != null ? step.launch() : app.getInstances() - p.liveCount(app.getId(), killingApps, appsWithUnreachable);
      if (n <= 0) continue;
      shortApps.add(app);
      shortBy.put(app.getId(), n);
    }
    shortApps.sort(Comparator.comparing(AppSpec::getId));
    shortApps.forEach(app -> {
      int n = shortBy.get(app.getId());
      missing.put(app.getId(), n);
      Long since = f.pendingSince.get(app.getId());
      Backoff b = f.backoff.get(app.getId());
      if (b == null || b.delayMs(now) == 0) {
        if (since == null) since = now;
        demands.add(new Demand(app, n, now - since > RELAX_SPREAD_AFTER_MS));
      }
      if (since != null) pendingSince.put(app.getId(), since);
    });
    return new Decisions(atIndex, missing, demands, runs, p.kills, expunge, p.runEnds, p.backoffResets, forget,
        pendingSince, unreachable, p.deploymentActions, alerts, p.healthKilled);
  }

  /**
   * Tasks that count toward an app's instances: alive, not being killed, not a job run's, and
   * reachable (a task on a partitioned agent is replaced at once; if it comes back, the surplus
   * is scaled down).
   */
  static boolean counts(Task t, Set<String> killing) {
    return t.runId().isEmpty() && t.state() != TaskState.TASK_UNREACHABLE && t.state() != TaskState.TASK_KILLING
        && !killing.contains(t.id());
  }

  /** One pass's working memory: kills decided in this pass count as killing for the rest of it. */
  private final class Pass {
    final State s;
    final InFlight f;
    final long now;
    final Set<String> killing;
    final List<Decisions.Kill> kills = new ArrayList<>();
    final List<Decisions.RunEnd> runEnds = new ArrayList<>();
    final Set<String> backoffResets = new HashSet<>();
    final List<Decisions.DeploymentAction> deploymentActions = new ArrayList<>();
    final Map<String, Integer> healthKilled = new HashMap<>();

    Pass(State s, InFlight f, long now) {
      this.s = s;
      this.f = f;
      this.now = now;
      this.killing = new HashSet<>(f.killing.keySet());
    }

    void kill(Task t, String why) {
      killing.add(t.id());
      AppSpec app = s.app(t.appId()).orElse(null);
      int grace = app == null || app.getTaskKillGracePeriodSeconds() == 0 ? DEFAULT_GRACE_SECONDS
          : app.getTaskKillGracePeriodSeconds();
      kills.add(new Decisions.Kill(t, why, grace));
    }

    Set<String> killingApps() {
      if (killing.isEmpty()) return Set.of();
      Set<String> out = new HashSet<>();
      for (String id : killing) s.task(id).ifPresent(t -> out.add(t.appId()));
      return out;
    }

    /** The apps of {@code ids} that exist. */
    List<AppSpec> present(Set<String> ids) {
      List<AppSpec> out = new ArrayList<>(ids.size());
      for (String id : ids) s.app(id).ifPresent(out::add);
      return out;
    }

    /**
     * Every app whose demand can differ from the last pass's: those that changed, those short
     * then (backing off, waiting for offers), and those whose count this pass reads differently
     * (kills in flight, a running deployment, unreachable tasks). Any other app had all its
     * instances at the last pass and nothing about it changed since.
     */
    Set<String> mayBeShort(Set<String> changed, Set<String> deploying, Set<String> killingApps, Set<String> withUnreachable) {
      Set<String> out = new HashSet<>(changed);
      out.addAll(f.lastShort);
      out.addAll(deploying);
      out.addAll(killingApps);
      out.addAll(withUnreachable);
      return out;
    }

    /** Tasks of deleted apps among {@code apps}: killed (the pass over every task finds them too). */
    void tasksOfDeleted(Set<String> apps) {
      for (String id : apps) {
        if (s.app(id).isPresent()) continue;
        for (Task t : s.tasksOf(id)) if (t.runId().isEmpty() && !killing.contains(t.id())) kill(t, "app deleted");
      }
    }

    /** Live tasks of an app without building a list, and without walking them when none can be excluded. */
    int liveCount(String appId, Set<String> killingApps, Set<String> withUnreachable) {
      if (!killingApps.contains(appId) && !withUnreachable.contains(appId)) return s.tasksOf(appId).size();
      int n = 0;
      for (Task t : s.tasksOf(appId)) if (counts(t, killing)) n++;
      return n;
    }

    /** Each running deployment's step: its launches (returned, by app), its kills and what it writes. */
    Map<String, DeploymentPlan.Step> deployments() {
      Map<String, DeploymentPlan.Step> out = new HashMap<>();
      List<Deployment> active = new ArrayList<>(s.activeDeployments());
      active.sort(Comparator.comparing(d -> d.getStarted().getAppId()));
      for (Deployment d : active) {
        AppSpec app = s.app(d.getStarted().getAppId()).orElse(null);
        if (app == null) continue;
        String id = d.getStarted().getDeploymentId();
        long deadline = d.getStarted().getDeadlineMs() != 0 ? d.getStarted().getDeadlineMs()
            : d.getStartedAtMs() + config.deployDeadlineMs();
        DeploymentPlan.Step step = DeploymentPlan.step(s, app, d, killing, deadline, now);
        out.put(app.getId(), step);
        for (Task t : step.stop()) if (!killing.contains(t.id())) kill(t, "replaced by deployment " + id);
        if (step.action() != null && !f.deploymentWrites.contains(id)) {
          deploymentActions.add(new Decisions.DeploymentAction(d, step.action()));
        }
      }
      return out;
    }

    /**
     * Tasks whose health checks failed are killed (and replaced), at most a budget per app per
     * minute: when many fall ill at once (a dependency is down, a network blip) the scheduler
     * raises an alert instead of replacing the whole fleet.
     */
    List<Decisions.Alert> healthKills(Iterable<AppSpec> apps) {
      List<Decisions.Alert> alerts = new ArrayList<>();
      for (AppSpec app : apps) {
        // maxConsecutiveFailures 0 on every check: report ill health, never kill for it (Marathon's meaning)
        if (!killsForHealth(app)) continue;
        List<Task> ill = new ArrayList<>();
        for (Task t : s.tasksOf(app.getId())) {
          if (t.state() == TaskState.TASK_RUNNING && Boolean.FALSE.equals(t.healthy()) && !killing.contains(t.id())) ill.add(t);
        }
        if (ill.isEmpty()) continue;
        int budget = (int) Math.max(1, Math.ceil(config.healthKillBudget() * app.getInstances()));
        int left = Math.max(0, budget - f.healthKillsInLastMinute(app.getId(), now));
        ill.sort(Comparator.comparingLong(Task::updatedAtMs));
        for (Task t : ill.subList(0, Math.min(left, ill.size()))) kill(t, "failed its health checks");
        if (left > 0) healthKilled.put(app.getId(), Math.min(left, ill.size()));
        if (ill.size() > left && !f.alertedRecently(app.getId(), now)) {
          alerts.add(new Decisions.Alert("kill_budget_exhausted", app.getId(), ill.size() + " tasks of " + app.getId()
              + " fail their health checks; " + Math.min(left, ill.size()) + " killed now, the rest kept running: at most "
              + budget + " are killed per minute (health-kill-budget)"));
        }
      }
      return alerts;
    }

    private static boolean killsForHealth(AppSpec app) {
      for (int i = 0; i < app.getHealthChecksCount(); i++) if (app.getHealthChecks(i).getMaxConsecutiveFailures() != 0) return true;
      return false;
    }

    /** Scale-down victims and backoff resets: only apps with too many tasks or failures behind them. */
    void appsNeedingCare(Set<String> deploying, Iterable<AppSpec> apps) {
      Set<String> killingApps = killingApps();
      for (AppSpec app : apps) {
        Backoff b = f.backoff.get(app.getId());
        boolean failing = b != null && b.failures() > 0;
        int excess = liveCount(app.getId(), killingApps, f.appsWithUnreachable) - app.getInstances();
        if (!failing && excess <= 0) continue; // the common case: no list to build
        List<Task> live = new ArrayList<>();
        for (Task t : s.tasksOf(app.getId())) if (counts(t, killing)) live.add(t);
        if (failing && live.stream().anyMatch(t -> t.state() == TaskState.TASK_RUNNING
            && now - t.runningAtMs() > Math.max(BACKOFF_RESET_RUNNING_MS, b.delayMs(now)))) {
          backoffResets.add(app.getId());
        }
        if (excess > 0 && !deploying.contains(app.getId())) scaleDown(app, live, excess); // a deployment scales its own
      }
    }

    /** Victims: not yet running first, then unhealthy, then the newest; within the kill budget. */
    void scaleDown(AppSpec app, List<Task> live, int excess) {
      long killingNow = s.tasksOf(app.getId()).stream().filter(t -> f.killing(t.id())).count();
      int budget = (int) Math.max(1, Math.ceil(config.killBudget() * Math.max(app.getInstances(), live.size())));
      int allowed = (int) Math.min(excess, budget - killingNow);
      live.stream().sorted(Comparator
              .comparing((Task t) -> t.state() == TaskState.TASK_RUNNING)
              .thenComparing(t -> !Boolean.FALSE.equals(t.healthy()))
              .thenComparing(Comparator.comparingLong(Task::launchedAtMs).reversed()))
          .limit(Math.max(0, allowed))
          .forEach(t -> kill(t, "scale down"));
    }

    /**
     * Every task once: tasks of deleted apps and ended job runs, kills to resend, unreachable
     * tasks to give up. Returns the kills in flight whose tasks are gone.
     */
    Set<String> tasks(Set<String> unreachable, List<Task> expunge) {
      Set<String> activeRuns = new HashSet<>();
      for (JobRecord r : s.jobsWithActiveRuns()) for (JobRun run : r.getActiveList()) activeRuns.add(run.getRunId());
      for (Task t : s.tasks()) {
        if (t.state() == TaskState.TASK_UNREACHABLE) {
          unreachable.add(t.appId());
          if (now - t.updatedAtMs() > config.unreachableExpungeMs() && !f.reporting.containsKey(t.id())) expunge.add(t);
        }
        boolean wasKilling = killing.contains(t.id());
        if (t.runId().isEmpty()) {
          if (s.app(t.appId()).isEmpty() && !wasKilling) kill(t, "app deleted");
        } else if (!activeRuns.contains(t.runId()) && !wasKilling) {
          kill(t, s.job(t.appId()).isEmpty() ? "job deleted" : "its run has ended");
        }
        Long sent = f.killing.get(t.id());
        if (sent != null && now - sent > RESEND_KILL_MS) kill(t, "kill resent");
        // written KILLING by a leader that is gone: its kill may never have been sent
        if (sent == null && t.state() == TaskState.TASK_KILLING && !killing.contains(t.id())) kill(t, "was being killed");
      }
      f.reporting.forEach((id, st) -> {
        if (st == TaskState.TASK_UNREACHABLE) s.task(id).ifPresent(t -> unreachable.add(t.appId()));
      });
      Set<String> gone = new HashSet<>();
      for (String id : f.killing.keySet()) if (s.task(id).isEmpty()) gone.add(id);
      return gone;
    }

    /** Steps every active job run: runs waiting for a task, tasks to kill, runs to end. */
    List<JobRuns.PendingRun> jobRuns() {
      List<JobRuns.PendingRun> waiting = new ArrayList<>();
      List<JobRecord> jobs = new ArrayList<>(s.jobsWithActiveRuns());
      jobs.sort(Comparator.comparing(r -> r.getSpec().getId()));
      for (JobRecord r : jobs) {
        List<JobRun> active = r.getActiveList();
        for (int i = 0; i < active.size(); i++) {
          JobRun run = active.get(i);
          if (f.finishing.contains(run.getRunId())) continue;
          Task task = run.getTaskId().isEmpty() ? null : s.task(run.getTaskId()).orElse(null);
          RunProgress.Step step = RunProgress.next(r.getSpec(), run, task != null, task == null ? 0 : task.launchedAtMs(),
              i < active.size() - 1, now);
          if (step instanceof RunProgress.Launch) {
            waiting.add(new JobRuns.PendingRun(r.getSpec(), run));
          } else if (step instanceof RunProgress.Kill k) {
            if (!killing.contains(task.id())) kill(task, k.reason());
          } else if (step instanceof RunProgress.Finish fin) {
            runEnds.add(new Decisions.RunEnd(r.getSpec().getId(), run.getRunId(), fin));
          }
        }
      }
      return waiting;
    }
  }

  // ---- reports ---------------------------------------------------------------------------------

  /** What to do with one task report from the driver. */
  public sealed interface ReportAction {
    /** Nothing to write: already committed, or a terminal report of a task the log does not hold. */
    record Acknowledge() implements ReportAction {}

    /** A live task the log does not know (an orphan): kill it, and acknowledge. */
    record KillOrphan() implements ReportAction {}

    /** The same change is being written now: wait for that. */
    record Wait() implements ReportAction {}

    /** Write the change; acknowledge once it is committed. */
    record Write(TaskStatusChanged change) implements ReportAction {}
  }

  public ReportAction report(State s, InFlight f, TaskReport r) {
    Task t = s.task(r.taskId()).orElse(null);
    if (t == null) {
      return !Task.isTerminal(r.state()) && !f.killing(r.taskId()) ? new ReportAction.KillOrphan() : new ReportAction.Acknowledge();
    }
    if (t.state() == r.state() && (r.healthy() == null || r.healthy().equals(t.healthy()))) {
      return new ReportAction.Acknowledge(); // a resent update, or a reconciliation answer
    }
    if (t.state() == TaskState.TASK_KILLING && !Task.isTerminal(r.state())) {
      return new ReportAction.Acknowledge(); // a kill is under way: only its end is news
    }
    if (f.reporting.get(r.taskId()) == r.state()) return new ReportAction.Wait();
    TaskStatusChanged.Builder c = TaskStatusChanged.newBuilder().setTaskId(r.taskId()).setState(r.state())
        .setMessage(r.message()).setReason(r.reason()).setExitCode(r.exitCode());
    if (r.healthy() != null) c.setHasHealth(true).setHealthy(r.healthy());
    return new ReportAction.Write(c.build());
  }

  /** A task ended by itself (not killed by us) with a failure: its app backs off. */
  public static boolean failureCounts(TaskReport r, boolean wasKilled) {
    return !wasKilled && (r.state() == TaskState.TASK_FAILED || r.state() == TaskState.TASK_ERROR);
  }

  /** The tasks of a lost agent: to be written LOST (and replaced). */
  public static List<Task> onAgent(State s, String agentId) {
    List<Task> out = new ArrayList<>();
    for (Task t : s.tasks()) if (t.agentId().equals(agentId)) out.add(t);
    return out;
  }
}
