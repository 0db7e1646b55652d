package io.upone.core.driver;

import java.util.List;
import java.util.Map;

/** What an agent needs to start one task. Built from the app spec after TaskLaunched is committed. */
public record TaskLaunch(String taskId, String appId, long appVersion, String agentId, String cmd,
                         List<String> args, String image, Map<String, String> env, double cpus, double mem,
                         double disk, List<Integer> hostPorts, int killGracePeriodSeconds) {
  public TaskLaunch {
    args = List.copyOf(args);
    env = Map.copyOf(env);
    hostPorts = List.copyOf(hostPorts);
  }
}
