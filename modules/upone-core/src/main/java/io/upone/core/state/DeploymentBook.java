package io.upone.core.state;

import io.upone.core.Problem;
import io.upone.core.proto.Deployment;
import io.upone.core.proto.DeploymentFinished;
import io.upone.core.proto.DeploymentOutcome;
import io.upone.core.proto.DeploymentPhase;
import io.upone.core.proto.DeploymentPhaseChanged;
import io.upone.core.proto.DeploymentStarted;
import io.upone.core.proto.Event;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The deployments part of the projection: at most one active deployment per app, and the most
 * recent finished ones. A deployment's record is an immutable message replaced on every change.
 * Its progress is not stored: it is read from the tasks (how many run the new configuration,
 * healthy) by whoever looks; only what tasks cannot tell is here (phase, failures, outcome).
 */
final class DeploymentBook {
  static final int HISTORY = 100;
  private PersistentMap<String, Deployment> activeByApp = PersistentMap.empty();
  /** Oldest first, at most {@link #HISTORY}; replaced (not changed) when one ends. */
  private List<Deployment> historyView = List.of();

  /** A copy sharing this one's maps and list: later changes to either leave the other alone. */
  DeploymentBook copy() {
    DeploymentBook c = new DeploymentBook();
    c.activeByApp = activeByApp;
    c.historyView = historyView;
    return c;
  }

  Optional<Deployment> active(String appId) {
    return Optional.ofNullable(activeByApp.get(appId));
  }

  Collection<Deployment> active() {
    return activeByApp.values();
  }

  List<Deployment> history() {
    return historyView;
  }

  Optional<Deployment> find(String id) {
    for (Deployment d : activeByApp.values()) if (d.getStarted().getDeploymentId().equals(id)) return Optional.of(d);
    for (Deployment d : historyView) if (d.getStarted().getDeploymentId().equals(id)) return Optional.of(d);
    return Optional.empty();
  }

  Optional<Problem> check(Event e) {
    return switch (e.getPayloadCase()) {
      case DEPLOYMENT_STARTED -> find(e.getDeploymentStarted().getDeploymentId()).isPresent()
          ? Optional.of(Problem.conflict("deployment_exists", "deployment " + e.getDeploymentStarted().getDeploymentId()
              + " already exists")) : Optional.empty();
      case DEPLOYMENT_PHASE_CHANGED -> activeWithId(e.getDeploymentPhaseChanged().getAppId(),
          e.getDeploymentPhaseChanged().getDeploymentId());
      case DEPLOYMENT_FINISHED -> activeWithId(e.getDeploymentFinished().getAppId(), e.getDeploymentFinished().getDeploymentId());
      default -> Optional.empty();
    };
  }

  private Optional<Problem> activeWithId(String appId, String id) {
    Deployment d = activeByApp.get(appId);
    return d != null && d.getStarted().getDeploymentId().equals(id) ? Optional.empty()
        : Optional.of(Problem.conflict("deployment_not_active", "deployment " + id + " of app " + appId + " is not running"));
  }

  void onStarted(DeploymentStarted e, long atMs) {
    Deployment before = activeByApp.get(e.getAppId());
    if (before != null) end(before, DeploymentOutcome.SUPERSEDED, "superseded by " + e.getDeploymentId(), atMs);
    activeByApp = activeByApp.put(e.getAppId(), Deployment.newBuilder().setStarted(e).setStartedAtMs(atMs)
        .setPhase(DeploymentPhase.DEPLOYING).build());
  }

  void onPhaseChanged(DeploymentPhaseChanged e) {
    Deployment d = activeByApp.get(e.getAppId());
    if (d != null) activeByApp = activeByApp.put(e.getAppId(), d.toBuilder().setPhase(e.getPhase()).build());
  }

  void onFinished(DeploymentFinished e, long atMs) {
    Deployment d = activeByApp.get(e.getAppId());
    if (d != null) end(d, e.getOutcome(), e.getReason(), atMs);
  }

  /** A task of the app ended or fell ill: if it ran the new configuration, the deployment counts it. */
  void onTaskStatus(Task t, TaskStatusChanged e, boolean newConfiguration) {
    if (!newConfiguration) return;
    boolean failed = e.getState() == TaskState.TASK_FAILED || e.getState() == TaskState.TASK_ERROR;
    boolean fellIll = e.getHasHealth() && !e.getHealthy() && !Boolean.FALSE.equals(t.healthy());
    Deployment d = failed || fellIll ? activeByApp.get(t.appId()) : null;
    if (d != null) activeByApp = activeByApp.put(t.appId(), d.toBuilder().setFailures(d.getFailures() + 1).build());
  }

  void onAppDeleted(String appId, long atMs) {
    Deployment d = activeByApp.get(appId);
    if (d != null) end(d, DeploymentOutcome.CANCELLED, "app deleted", atMs);
  }

  private void end(Deployment d, DeploymentOutcome outcome, String reason, long atMs) {
    activeByApp = activeByApp.remove(d.getStarted().getAppId());
    List<Deployment> h = new ArrayList<>(historyView);
    h.add(d.toBuilder().setOutcome(outcome).setOutcomeReason(reason).setFinishedAtMs(atMs).build());
    historyView = List.copyOf(h.size() > HISTORY ? h.subList(h.size() - HISTORY, h.size()) : h);
  }

  List<Deployment> all() {
    List<Deployment> out = new ArrayList<>(activeByApp.values());
    out.sort(java.util.Comparator.comparing(d -> d.getStarted().getAppId()));
    out.addAll(historyView);
    return out;
  }

  void restore(List<Deployment> deployments) {
    List<Deployment> h = new ArrayList<>();
    for (Deployment d : deployments) {
      if (d.getOutcome() == DeploymentOutcome.OUTCOME_UNSPECIFIED) {
        activeByApp = activeByApp.put(d.getStarted().getAppId(), d);
      } else {
        h.add(d);
      }
    }
    historyView = List.copyOf(h);
  }
}
