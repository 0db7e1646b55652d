package io.upone.core.driver;

import io.upone.core.proto.HealthCheck;
import java.util.List;
import java.util.Map;

/**
 * What an agent needs to start one task. Built from the app spec after TaskLaunched is committed.
 * {@code healthChecks} run next to the task (native agents) or by Mesos (its {@code health_check}).
 */
public record TaskLaunch(String taskId, String appId, long appVersion, String agentId, String cmd,
                         List<String> args, String image, Map<String, String> env, double cpus, double mem,
                         double disk, List<Integer> hostPorts, int killGracePeriodSeconds,
                         List<HealthCheck> healthChecks) {
  public TaskLaunch {
    args = List.copyOf(args);
    env = Map.copyOf(env);
    hostPorts = List.copyOf(hostPorts);
    healthChecks = List.copyOf(healthChecks);
  }

  /** A launch without health checks. */
  public TaskLaunch(String taskId, String appId, long appVersion, String agentId, String cmd, List<String> args,
                    String image, Map<String, String> env, double cpus, double mem, double disk, List<Integer> hostPorts,
                    int killGracePeriodSeconds) {
    this(taskId, appId, appVersion, agentId, cmd, args, image, env, cpus, mem, disk, hostPorts, killGracePeriodSeconds,
        List.of());
  }

  public TaskLaunch withHealthChecks(List<HealthCheck> checks) {
    return new TaskLaunch(taskId, appId, appVersion, agentId, cmd, args, image, env, cpus, mem, disk, hostPorts,
        killGracePeriodSeconds, checks);
  }
}
