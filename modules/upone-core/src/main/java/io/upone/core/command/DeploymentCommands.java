package io.upone.core.command;

import io.upone.core.Problem;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.AppUpdated;
import io.upone.core.proto.Deployment;
import io.upone.core.proto.DeploymentFinished;
import io.upone.core.proto.DeploymentKind;
import io.upone.core.proto.DeploymentOutcome;
import io.upone.core.proto.DeploymentPhase;
import io.upone.core.proto.DeploymentPhaseChanged;
import io.upone.core.proto.DeploymentStarted;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.UpgradeStrategy;
import io.upone.core.state.State;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Proposals that start, steer and end deployments. A change of what an app's tasks are made of
 * is written together with the deployment that carries it out ({@code AppUpdated} +
 * {@code DeploymentStarted}, one proposal), so no change is ever without its deployment.
 */
public final class DeploymentCommands {
  /** New tasks failing this often (at least) roll a deployment back; more for big apps. */
  static final int MIN_FAILURE_THRESHOLD = 3;

  private DeploymentCommands() {}

  /**
   * The app changes from {@code cur} to {@code next}: an {@code AppUpdated}, and when the tasks
   * must change too, a deployment (superseding a running one).
   */
  static Proposal change(State state, AppSpec cur, AppSpec next, String reason, long nowMs) {
    state.checkPublished(next).ifPresent(p -> {
      throw p.asFailure();
    });
    Proposal.Builder p = Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(nowMs)
        .setAppUpdated(AppUpdated.newBuilder().setSpec(next).setPreviousVersion(cur.getVersion())));
    if (State.configHash(cur) == State.configHash(next)) return p.build(); // the tasks stay as they are
    state.deployment(cur.getId()).ifPresent(d -> p.addEvents(finished(d, DeploymentOutcome.SUPERSEDED,
        "superseded by version " + next.getVersion(), nowMs)));
    p.addEvents(started(cur, next, reason, false, nowMs));
    return p.build();
  }

  /**
   * Rolls a deployment back: the configuration it started from comes back as a new version, by a
   * deployment of its own (which is never rolled back in turn).
   */
  public static Proposal rollback(State state, Deployment d, String reason, long nowMs) {
    DeploymentStarted s = d.getStarted();
    AppSpec cur = state.app(s.getAppId()).orElseThrow(() ->
        Problem.notFound("app_not_found", "app " + s.getAppId() + " does not exist").asFailure());
    if (!s.hasFromSpec() || s.getRollback()) {
      throw Problem.conflict("nothing_to_roll_back", "deployment " + s.getDeploymentId() + (s.getRollback()
          ? " is itself a rollback" : " started from no earlier version") + "; stop it where it is with force=true")
          .asFailure();
    }
    AppSpec restored = s.getFromSpec().toBuilder().setVersion(cur.getVersion() + 1).build();
    return Proposal.newBuilder()
        .addEvents(Event.newBuilder().setTimestampMs(nowMs)
            .setAppUpdated(AppUpdated.newBuilder().setSpec(restored).setPreviousVersion(cur.getVersion())))
        .addEvents(finished(d, DeploymentOutcome.ROLLED_BACK, reason, nowMs))
        .addEvents(started(cur, restored, "rollback of " + s.getDeploymentId() + ": " + reason, true, nowMs))
        .build();
  }

  /** Stops a deployment where it is (force): tasks of both configurations may keep running. */
  public static Proposal cancel(Deployment d, String reason, long nowMs) {
    return Proposal.newBuilder().addEvents(finished(d, DeploymentOutcome.CANCELLED, reason, nowMs)).build();
  }

  public static Proposal succeeded(Deployment d, long nowMs) {
    return Proposal.newBuilder().addEvents(finished(d, DeploymentOutcome.SUCCEEDED, "", nowMs)).build();
  }

  public static Proposal phase(Deployment d, DeploymentPhase phase, String message, long nowMs) {
    return Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(nowMs)
        .setDeploymentPhaseChanged(DeploymentPhaseChanged.newBuilder().setDeploymentId(d.getStarted().getDeploymentId())
            .setAppId(d.getStarted().getAppId()).setPhase(phase).setMessage(message))).build();
  }

  /** {@code POST /v1/deployments/{id}/promote}: a paused canary goes on to replace every task. */
  public static Proposal promote(State state, String id, long nowMs) {
    Deployment d = existing(state, id);
    if (d.getStarted().getKind() != DeploymentKind.CANARY) {
      throw Problem.conflict("not_canary", "deployment " + id + " is " + kind(d.getStarted().getKind())
          + ", not a canary: there is nothing to promote").asFailure();
    }
    if (d.getPhase() != DeploymentPhase.CANARY_PAUSED) {
      throw Problem.conflict("not_paused", "deployment " + id + " has not paused on its canaries yet").asFailure();
    }
    return phase(d, DeploymentPhase.PROMOTED, "promoted", nowMs);
  }

  /** {@code DELETE /v1/deployments/{id}[?force=true]}: roll back, or stop where it is. */
  public static Proposal stop(State state, String id, boolean force, long nowMs) {
    Deployment d = existing(state, id);
    return force ? cancel(d, "stopped by request", nowMs) : rollback(state, d, "rolled back by request", nowMs);
  }

  /** A running deployment, or 404 (it never existed) / 409 (it has ended). */
  static Deployment existing(State state, String id) {
    Deployment d = state.deploymentById(id).orElseThrow(() ->
        Problem.notFound("deployment_not_found", "deployment " + id + " does not exist").asFailure());
    if (d.getOutcome() != DeploymentOutcome.OUTCOME_UNSPECIFIED) {
      throw Problem.conflict("deployment_finished", "deployment " + id + " has ended: " + d.getOutcome()).asFailure();
    }
    return d;
  }

  public static String kind(DeploymentKind k) {
    return switch (k) {
      case BLUE_GREEN -> "blue-green";
      case CANARY -> "canary";
      default -> "rolling";
    };
  }

  private static Event finished(Deployment d, DeploymentOutcome outcome, String reason, long nowMs) {
    return Event.newBuilder().setTimestampMs(nowMs).setDeploymentFinished(DeploymentFinished.newBuilder()
        .setDeploymentId(d.getStarted().getDeploymentId()).setAppId(d.getStarted().getAppId())
        .setOutcome(outcome).setReason(reason)).build();
  }

  private static Event started(AppSpec from, AppSpec to, String reason, boolean rollback, long nowMs) {
    UpgradeStrategy u = to.getUpgradeStrategy();
    DeploymentStarted.Builder s = DeploymentStarted.newBuilder().setDeploymentId(id(to, nowMs)).setAppId(to.getId())
        .setFromVersion(from.getVersion()).setToVersion(to.getVersion())
        // a rollback restores capacity as fast as the strategy allows, without a canary pause
        .setKind(rollback || u.getKind() == DeploymentKind.DEPLOYMENT_KIND_UNSPECIFIED ? DeploymentKind.ROLLING : u.getKind())
        .setMinimumHealthCapacity(u.getMinimumHealthCapacity()).setMaximumOverCapacity(u.getMaximumOverCapacity())
        .setCanaryInstances(u.getCanaryInstances())
        .setDeadlineMs(u.getDeadlineSeconds() == 0 ? 0 : nowMs + u.getDeadlineSeconds() * 1000L)
        .setFromSpec(from).setRollback(rollback).setReason(reason)
        .setFailureThreshold(Math.max(MIN_FAILURE_THRESHOLD, (int) Math.ceil(to.getInstances() * 0.1)));
    return Event.newBuilder().setTimestampMs(nowMs).setDeploymentStarted(s).build();
  }

  /** Deterministic from the command's inputs (no randomness in decisions), unique per app change. */
  private static String id(AppSpec to, long nowMs) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest((to.getId() + "@" + to.getVersion() + "@" + nowMs)
          .getBytes(StandardCharsets.UTF_8));
      return "dep-" + HexFormat.of().formatHex(h, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
