package io.upone.server.lifecycle;

import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Deployment;
import io.upone.core.proto.DeploymentKind;
import io.upone.core.proto.DeploymentPhase;
import io.upone.core.proto.DeploymentStarted;
import io.upone.core.proto.TaskState;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import io.upone.core.zone.Publication;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * One step of a running deployment, decided from the tasks alone (pure): how many tasks of the
 * new configuration to start, which of the old to stop, and whether the deployment moves on
 * (a phase), ends, or is rolled back. Because nothing but the log's state and the time is read,
 * a new leader continues a deployment exactly where the log says it is.
 *
 * <ul>
 *   <li>rolling (and a promoted canary): never fewer healthy tasks than
 *   {@code ceil(instances × minimumHealthCapacity)}, never more tasks than
 *   {@code instances × (1 + maximumOverCapacity)} (one more if that leaves no room at all), tasks
 *   being killed counted until they end;
 *   old tasks are stopped as new ones become healthy;</li>
 *   <li>blue-green: the whole new set up, healthy and ready, then the load balancers switched to it
 *   (SWITCHING, until the LB sync confirms: SWITCHED), then the old set stopped;</li>
 *   <li>canary: {@code canaryInstances} new tasks beside the old ones, then a pause until promoted.</li>
 * </ul>
 * Every deployment ends: done, or at its deadline (or after too many failures of new tasks)
 * rolled back, or, for a rollback that cannot finish, stopped where it is.
 */
final class DeploymentPlan {
  /** What to do for one deployment now. {@code action} is null when it goes on as it is. */
  record Step(int launch, List<Task> stop, Action action, int current, int healthyCurrent, int old) {}

  sealed interface Action {}

  record Phase(DeploymentPhase phase, String message) implements Action {}

  record Succeed() implements Action {}

  record RollBack(String reason) implements Action {}

  record Cancel(String reason) implements Action {}

  private DeploymentPlan() {}

  static Step step(State s, AppSpec app, Deployment d, Set<String> killing, long deadlineMs, long now) {
    DeploymentStarted st = d.getStarted();
    List<Task> current = new ArrayList<>();
    List<Task> old = new ArrayList<>();
    int dying = 0; // being killed: not counted as capacity, but still holding a place until they end
    for (Task t : s.tasksOf(app.getId())) {
      if (!t.runId().isEmpty() || t.state() == TaskState.TASK_UNREACHABLE) continue;
      if (killing.contains(t.id()) || t.state() == TaskState.TASK_KILLING) {
        dying++;
        continue;
      }
      (s.currentConfig(t) ? current : old).add(t);
    }
    int healthyCurrent = (int) current.stream().filter(t -> healthyNew(app, t)).count();
    int healthyOld = (int) old.stream().filter(DeploymentPlan::healthyOld).count();
    int n = app.getInstances();

    if (old.isEmpty() && healthyCurrent >= n && current.size() <= n) {
      return new Step(0, List.of(), new Succeed(), current.size(), healthyCurrent, 0);
    }
    String progress = healthyCurrent + " of " + n + " new tasks healthy, " + old.size() + " old left";
    if (now > deadlineMs) {
      String why = "deadline passed (" + progress + ")";
      return new Step(0, List.of(), rollBackOrCancel(st, why), current.size(), healthyCurrent, old.size());
    }
    if (!st.getRollback() && d.getFailures() >= Math.max(1, st.getFailureThreshold())) {
      String why = d.getFailures() + " new tasks failed or went unhealthy (" + progress + ")";
      return new Step(0, List.of(), new RollBack(why), current.size(), healthyCurrent, old.size());
    }

    List<Task> stop = new ArrayList<>();
    int launch;
    Action action = null;
    DeploymentKind kind = st.getKind();
    if (kind == DeploymentKind.CANARY && d.getPhase() != DeploymentPhase.PROMOTED) {
      int canaries = Math.min(n, (int) st.getCanaryInstances());
      launch = Math.max(0, canaries - current.size());
      if (d.getPhase() == DeploymentPhase.DEPLOYING && healthyCurrent >= canaries) {
        action = new Phase(DeploymentPhase.CANARY_PAUSED, canaries + " canaries healthy; waiting for promote");
      }
    } else if (kind == DeploymentKind.BLUE_GREEN) {
      launch = Math.max(0, n - current.size());
      if (d.getPhase() == DeploymentPhase.SWITCHED) {
        stop.addAll(old);
      } else if (d.getPhase() == DeploymentPhase.DEPLOYING && healthyCurrent >= n) {
        // published: the LB sync switches the upstreams to the new set and writes SWITCHED once
        // every LB confirmed; until then the old set keeps serving (and the deadline still holds)
        action = Publication.zones(app).isEmpty()
            ? new Phase(DeploymentPhase.SWITCHED, "all " + n + " new tasks healthy and ready: the new set serves")
            : new Phase(DeploymentPhase.SWITCHING, "all " + n + " new tasks healthy and ready: switching the load balancers");
      }
    } else {
      int minHealthy = (int) Math.ceil(n * st.getMinimumHealthCapacity());
      int maxTotal = n + (int) Math.floor(n * st.getMaximumOverCapacity());
      if (maxTotal <= n && minHealthy >= n) maxTotal = n + 1; // or nothing could ever be replaced
      launch = Math.max(0, Math.min(n - current.size(), maxTotal - current.size() - old.size() - dying));
      // old tasks that are not healthy serve nobody: they go at once; healthy ones as capacity allows
      int stoppable = Math.max(0, healthyCurrent + healthyOld - minHealthy);
      old.sort(Comparator.comparing(DeploymentPlan::healthyOld).thenComparing(Task::launchedAtMs));
      for (Task t : old) {
        if (!healthyOld(t)) stop.add(t);
        else if (stoppable-- > 0) stop.add(t);
      }
    }
    // more tasks of the new configuration than wanted (the app was scaled down meanwhile)
    int excess = current.size() - n;
    if (excess > 0) {
      current.sort(Comparator.comparing((Task t) -> healthyNew(app, t)).thenComparing(Task::launchedAtMs,
          Comparator.reverseOrder()));
      stop.addAll(current.subList(0, excess));
    }
    return new Step(launch, stop, action, current.size(), healthyCurrent, old.size());
  }

  private static Action rollBackOrCancel(DeploymentStarted st, String why) {
    return st.getRollback() || !st.hasFromSpec() ? new Cancel(why + "; nothing to roll back to") : new RollBack(why);
  }

  /**
   * A new task counts once it runs and, when the app has health checks, once they pass, and when
   * it has readiness checks, once it is ready.
   */
  static boolean healthyNew(AppSpec app, Task t) {
    if (t.state() != TaskState.TASK_RUNNING) return false;
    if (app.getReadinessChecksCount() > 0 && !t.ready()) return false;
    return app.getHealthChecksCount() > 0 ? Boolean.TRUE.equals(t.healthy()) : !Boolean.FALSE.equals(t.healthy());
  }

  /** An old task counts while it runs and is not known to be unhealthy. */
  static boolean healthyOld(Task t) {
    return t.state() == TaskState.TASK_RUNNING && !Boolean.FALSE.equals(t.healthy());
  }
}
