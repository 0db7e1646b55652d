package io.upone.server.alerts;

/** What an alert is about; its name starts the message line. */
public enum AlertKind {
  TASK_LOST,
  TASK_FAILED,
  AGENT_LOST,
  FLAPPING,
  DEPLOY_ROLLED_BACK,
  DEPLOY_FAILED,
  HEALTH_KILL_BUDGET,
  CRON_FAILED,
  CRON_MISSED,
  /** an {@code AlertRaised} of a kind this build does not name */
  RAISED;

  /** Kinds about tasks on one host: grouped per host (30 LOST tasks of one agent are one message). */
  boolean perHost() {
    return this == TASK_LOST || this == TASK_FAILED || this == AGENT_LOST;
  }
}
