package io.upone.server.lifecycle;

import io.upone.core.proto.Event;
import io.upone.core.proto.TaskState;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The pass that the commits since the last one ask for: how much to look at, which apps changed,
 * whether it is urgent. The changes of a burst of commits add up to one pass, over the apps they
 * touched only: with thousands of apps, a pass over all of them per burst held the lifecycle's
 * event loop (and with it the HTTP answers sharing the core) for most of the time.
 */
final class PendingPass {
  /** Null while nothing is pending; FULL wins over DEMANDS. */
  private Reconciler.Scope scope;
  private boolean urgent;
  /** Some change named no app (a job changed, a task the lifecycle never saw ended): every app. */
  private boolean allApps;
  private Set<String> apps = new HashSet<>();

  boolean pending() {
    return scope != null;
  }

  Reconciler.Scope scope() {
    return scope;
  }

  boolean urgent() {
    return urgent;
  }

  /** The changed apps, or null for every app. */
  Set<String> apps() {
    return allApps ? null : apps;
  }

  void clear() {
    scope = null;
    urgent = false;
    allApps = false;
    apps = new HashSet<>();
  }

  /**
   * Adds what one committed proposal asks for. {@code now} is the log's view (tasks that ended are
   * gone from it), {@code seen} the view of the last pass (where they may still be found).
   */
  void add(List<Event> events, State now, State seen) {
    for (Event e : events) {
      switch (e.getPayloadCase()) {
        case APP_CREATED -> app(Reconciler.Scope.FULL, true, e.getAppCreated().getSpec().getId());
        case APP_UPDATED -> app(Reconciler.Scope.FULL, true, e.getAppUpdated().getSpec().getId());
        case APP_SCALED -> app(Reconciler.Scope.FULL, true, e.getAppScaled().getAppId());
        case APP_DELETED -> app(Reconciler.Scope.FULL, true, e.getAppDeleted().getAppId());
        case JOB_UPDATED, JOB_DELETED -> all(Reconciler.Scope.FULL, false);
        case DEPLOYMENT_STARTED, DEPLOYMENT_PHASE_CHANGED -> all(Reconciler.Scope.FULL, true);
        case JOB_RUN_FIRED -> raise(Reconciler.Scope.DEMANDS, true); // runs are stepped on every pass
        case TASK_READY -> task(e.getTaskReady().getTaskId(), now, seen); // a deployment may move on
        case TASK_STATUS_CHANGED -> {
          TaskState st = e.getTaskStatusChanged().getState();
          // ends and losses need replacements; runs and health changes move deployments on
          if (Task.isTerminal(st) || st == TaskState.TASK_UNREACHABLE || st == TaskState.TASK_RUNNING
              || e.getTaskStatusChanged().getHasHealth()) {
            task(e.getTaskStatusChanged().getTaskId(), now, seen);
          }
        }
        default -> { }
      }
    }
  }

  private void app(Reconciler.Scope s, boolean isUrgent, String appId) {
    raise(s, isUrgent);
    apps.add(appId);
  }

  private void all(Reconciler.Scope s, boolean isUrgent) {
    raise(s, isUrgent);
    allApps = true;
  }

  private void task(String taskId, State now, State seen) {
    raise(Reconciler.Scope.DEMANDS, false);
    Optional<Task> t = now.task(taskId);
    if (t.isEmpty() && seen != null) t = seen.task(taskId);
    if (t.isPresent()) apps.add(t.get().appId());
    else allApps = true;
  }

  private void raise(Reconciler.Scope s, boolean isUrgent) {
    if (scope != Reconciler.Scope.FULL) scope = s;
    urgent |= isUrgent;
  }
}
