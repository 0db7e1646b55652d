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
 */
public record SchedulerConfig(long tickMs, long heartbeatMs, long agentTimeoutMs, double killBudget,
                              double refuseSeconds, PlacementConfig placement, long unreachableExpungeMs) {
  public static final long DEFAULT_UNREACHABLE_EXPUNGE_MS = 600_000;

  public SchedulerConfig(long tickMs, long heartbeatMs, long agentTimeoutMs, double killBudget, double refuseSeconds,
                         PlacementConfig placement) {
    this(tickMs, heartbeatMs, agentTimeoutMs, killBudget, refuseSeconds, placement, DEFAULT_UNREACHABLE_EXPUNGE_MS);
  }

  public static SchedulerConfig defaults() {
    return new SchedulerConfig(500, 1000, 10_000, 0.5, 5, PlacementConfig.defaults());
  }

  public SchedulerConfig withAgentTimeout(long heartbeat, long timeout) {
    return new SchedulerConfig(tickMs, heartbeat, timeout, killBudget, refuseSeconds, placement, unreachableExpungeMs);
  }

  public SchedulerConfig withPlacement(PlacementConfig p) {
    return new SchedulerConfig(tickMs, heartbeatMs, agentTimeoutMs, killBudget, refuseSeconds, p, unreachableExpungeMs);
  }

  public SchedulerConfig withUnreachableExpunge(long ms) {
    return new SchedulerConfig(tickMs, heartbeatMs, agentTimeoutMs, killBudget, refuseSeconds, placement, ms);
  }
}
