package io.upone.server.scheduler;

/**
 * Timings and limits of the task lifecycle.
 *
 * @param tickMs          how often desired and actual state are compared
 * @param heartbeatMs     how often agents heartbeat
 * @param agentTimeoutMs  an agent silent this long is lost and its tasks LOST
 * @param killBudget      share of an app's instances that scale-down may be killing at once (0..1]
 * @param refuseSeconds   how long a declined offer's agent is not offered again while there is demand
 */
public record SchedulerConfig(long tickMs, long heartbeatMs, long agentTimeoutMs, double killBudget,
                              double refuseSeconds) {
  public static SchedulerConfig defaults() {
    return new SchedulerConfig(500, 1000, 10_000, 0.5, 5);
  }

  public SchedulerConfig withAgentTimeout(long heartbeat, long timeout) {
    return new SchedulerConfig(tickMs, heartbeat, timeout, killBudget, refuseSeconds);
  }
}
