package io.upone.server.config;

import io.upone.placement.PlacementConfig;

/**
 * Timings and limits of the task lifecycle.
 *
 * @param tickMs          how often desired and actual state are compared
 * @param heartbeatMs     how often agents heartbeat
 * @param agentTimeoutMs  an agent silent this long is lost and its tasks LOST
 * @param killBudget      share of an app's instances that scale-down may be killing at once (0..1]
 * @param refuseSeconds   how long a declined offer's agent is not offered again while there is demand
 * @param placement       strategies, the default one, agent weights
 * @param unreachableExpungeMs a task UNREACHABLE this long (already replaced) is given up: LOST, and killed if it returns
 * @param deployDeadlineMs a deployment that names no deadline of its own ends (done or rolled back) within this
 * @param healthKillBudget share of an app's instances that may be killed for failing health checks per minute (at
 *                        least one); past it the scheduler raises an alert instead of killing more
 * @param lostBudget      share of an app's instances that may be written LOST (and replaced) per minute because their
 *                        agent was lost (at least one); the rest are held as they are, in case the agent comes back
 */
public record SchedulerConfig(long tickMs, long heartbeatMs, long agentTimeoutMs, double killBudget,
                              double refuseSeconds, PlacementConfig placement, long unreachableExpungeMs,
                              long deployDeadlineMs, double healthKillBudget, double lostBudget) {
  public static final long DEFAULT_UNREACHABLE_EXPUNGE_MS = 600_000;
  public static final long DEFAULT_DEPLOY_DEADLINE_MS = 600_000;
  public static final double DEFAULT_HEALTH_KILL_BUDGET = 0.1;
  public static final double DEFAULT_LOST_BUDGET = 0.5;

  public SchedulerConfig(long tickMs, long heartbeatMs, long agentTimeoutMs, double killBudget, double refuseSeconds,
                         PlacementConfig placement) {
    this(tickMs, heartbeatMs, agentTimeoutMs, killBudget, refuseSeconds, placement, DEFAULT_UNREACHABLE_EXPUNGE_MS,
        DEFAULT_DEPLOY_DEADLINE_MS, DEFAULT_HEALTH_KILL_BUDGET, DEFAULT_LOST_BUDGET);
  }

  public static SchedulerConfig defaults() {
    return new SchedulerConfig(500, 1000, 10_000, 0.5, 5, PlacementConfig.defaults());
  }

  public SchedulerConfig withAgentTimeout(long heartbeat, long timeout) {
    return new SchedulerConfig(tickMs, heartbeat, timeout, killBudget, refuseSeconds, placement, unreachableExpungeMs,
        deployDeadlineMs, healthKillBudget, lostBudget);
  }

  public SchedulerConfig withPlacement(PlacementConfig p) {
    return new SchedulerConfig(tickMs, heartbeatMs, agentTimeoutMs, killBudget, refuseSeconds, p, unreachableExpungeMs,
        deployDeadlineMs, healthKillBudget, lostBudget);
  }

  public SchedulerConfig withUnreachableExpunge(long ms) {
    return new SchedulerConfig(tickMs, heartbeatMs, agentTimeoutMs, killBudget, refuseSeconds, placement, ms,
        deployDeadlineMs, healthKillBudget, lostBudget);
  }

  public SchedulerConfig withDeployments(long deadlineMs, double healthKills) {
    return new SchedulerConfig(tickMs, heartbeatMs, agentTimeoutMs, killBudget, refuseSeconds, placement,
        unreachableExpungeMs, deadlineMs, healthKills, lostBudget);
  }

  public SchedulerConfig withLostBudget(double share) {
    return new SchedulerConfig(tickMs, heartbeatMs, agentTimeoutMs, killBudget, refuseSeconds, placement,
        unreachableExpungeMs, deployDeadlineMs, healthKillBudget, share);
  }
}
