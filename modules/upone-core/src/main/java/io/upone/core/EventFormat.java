package io.upone.core;

import io.upone.core.proto.DeploymentPhase;
import io.upone.core.proto.Event;
import io.upone.core.proto.LogEntry;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.StateSnapshot;

/**
 * Which build can read what. Every log entry and snapshot says the format its contents need
 * (absent = 1); a build reads formats up to {@link #CURRENT} and refuses a newer one with a
 * message rather than applying part of it and drifting from the members that understood it.
 * Raise {@link #CURRENT} and {@link #of(Event)} together when an event kind (or a field whose
 * loss would change the projection) is added.
 */
public final class EventFormat {
  /**
   * 1: the first format. 2: {@code MemberAddressed} and the members of a snapshot. 3: deployments
   * ({@code DeploymentStarted}, {@code DeploymentPhaseChanged}, {@code DeploymentFinished}),
   * {@code AlertRaised}, zones ({@code ZoneCreated}, {@code ZoneUpdated}, {@code ZoneDeleted}),
   * and a snapshot's app versions, deployments and zones. 4: readiness ({@code TaskReady}, apps
   * with {@code readinessChecks}, a task's {@code ready}) and the blue-green phase {@code SWITCHING};
   * alerting ({@code AlertsSent} and a snapshot's watermark; an app or job spec that names its own
   * Slack webhook, whose loss would change an older build's app config hashes).
   */
  /**
   * Not a compile-time constant on purpose: javac would copy a literal into every module that
   * reads it, and an incremental build after raising it would leave the old value in those.
   */
  public static final int CURRENT = Integer.parseInt("4");

  private EventFormat() {}

  /** The format a reader needs to apply this event. */
  public static int of(Event e) {
    return switch (e.getPayloadCase()) {
      case MEMBER_ADDRESSED -> 2;
      case TASK_READY, ALERTS_SENT -> 4;
      // an older build would keep the spec but not know to wait for readiness (or for the LB switch),
      // or would count an unknown webhook field in the app's config hash
      case APP_CREATED -> needs4(e.getAppCreated().getSpec()) ? 4 : 1;
      case APP_UPDATED -> needs4(e.getAppUpdated().getSpec()) ? 4 : 1;
      case JOB_CREATED -> e.getJobCreated().getSpec().getAlertWebhook().isEmpty() ? 1 : 4;
      case JOB_UPDATED -> e.getJobUpdated().getSpec().getAlertWebhook().isEmpty() ? 1 : 4;
      case DEPLOYMENT_PHASE_CHANGED -> e.getDeploymentPhaseChanged().getPhase() == DeploymentPhase.SWITCHING ? 4 : 3;
      case DEPLOYMENT_STARTED, DEPLOYMENT_FINISHED, ALERT_RAISED, ZONE_CREATED, ZONE_UPDATED, ZONE_DELETED -> 3;
      default -> 1;
    };
  }

  private static boolean needs4(io.upone.core.proto.AppSpec s) {
    return s.getReadinessChecksCount() > 0 || !s.getAlertWebhook().isEmpty();
  }

  /** The format a reader needs to apply every event of the entry. */
  public static int of(LogEntry.Builder entry) {
    int f = 1;
    for (Proposal p : entry.getProposalsList()) {
      for (Event e : p.getEventsList()) f = Math.max(f, of(e));
    }
    return f;
  }

  /** The format an entry says it needs. */
  public static int of(LogEntry entry) {
    return Math.max(1, entry.getFormat());
  }

  public static int of(StateSnapshot s) {
    return Math.max(1, s.getFormat());
  }

  /** Why a build of format {@code readable} cannot apply something of format {@code needed}. */
  public static String tooNew(String what, int needed, int readable) {
    return what + " needs event format " + needed + " but this upone reads formats up to " + readable
        + ": it was written by a newer upone. Upgrade this node (followers first, the leader last; see operations.md)";
  }
}
