package io.upone.server.scheduler;

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
 */
public record SchedulerConfig(long tickMs, long heartbeatMs, long agentTimeoutMs, double killBudget,
                              double refuseSeconds, PlacementConfig placement) {
  public static SchedulerConfig defaults() {
    return new SchedulerConfig(500, 1000, 10_000, 0.5, 5, PlacementConfig.defaults());
  }

  public SchedulerConfig withAgentTimeout(long heartbeat, long timeout) {
    return new SchedulerConfig(tickMs, heartbeat, timeout, killBudget, refuseSeconds, placement);
  }

  public SchedulerConfig withPlacement(PlacementConfig p) {
    return new SchedulerConfig(tickMs, heartbeatMs, agentTimeoutMs, killBudget, refuseSeconds, p);
  }
}
