package io.upone.core.driver;

import io.upone.core.proto.AppSpec;
import io.upone.core.proto.HealthCheck;
import java.util.List;
import java.util.Map;

/**
 * What an agent needs to start one task. Built from the app spec after TaskLaunched is committed.
 * {@code container} says how to run {@code image} (ignored when there is no image);
 * {@code healthChecks} run next to the task (native agents) or by Mesos (its {@code health_check}).
 */
public record TaskLaunch(String taskId, String appId, long appVersion, String agentId, String cmd,
                         List<String> args, String image, Map<String, String> env, double cpus, double mem,
                         double disk, List<Integer> hostPorts, int killGracePeriodSeconds, TaskContainer container,
                         List<HealthCheck> healthChecks) {
  public TaskLaunch {
    args = List.copyOf(args);
    env = Map.copyOf(env);
    hostPorts = List.copyOf(hostPorts);
    if (container == null) container = TaskContainer.HOST;
    healthChecks = List.copyOf(healthChecks);
  }

  /** A launch with no container details beyond the image (host networking, no volumes) and no health checks. */
  public TaskLaunch(String taskId, String appId, long appVersion, String agentId, String cmd, List<String> args,
                    String image, Map<String, String> env, double cpus, double mem, double disk,
                    List<Integer> hostPorts, int killGracePeriodSeconds) {
    this(taskId, appId, appVersion, agentId, cmd, args, image, env, cpus, mem, disk, hostPorts, killGracePeriodSeconds,
        TaskContainer.HOST, List.of());
  }

  /** A launch with container details and no health checks. */
  public TaskLaunch(String taskId, String appId, long appVersion, String agentId, String cmd, List<String> args,
                    String image, Map<String, String> env, double cpus, double mem, double disk,
                    List<Integer> hostPorts, int killGracePeriodSeconds, TaskContainer container) {
    this(taskId, appId, appVersion, agentId, cmd, args, image, env, cpus, mem, disk, hostPorts, killGracePeriodSeconds,
        container, List.of());
  }

  /** The launch of one task of {@code app} on {@code agentId}, with the app's container details and health checks. */
  public static TaskLaunch of(String taskId, AppSpec app, String agentId, Map<String, String> env, List<Integer> hostPorts) {
    return new TaskLaunch(taskId, app.getId(), app.getVersion(), agentId, app.getCmd(), app.getArgsList(),
        app.getContainer().getImage(), env, app.getCpus(), app.getMem(), app.getDisk(), hostPorts,
        app.getTaskKillGracePeriodSeconds(), TaskContainer.of(app), app.getHealthChecksList());
  }
}
