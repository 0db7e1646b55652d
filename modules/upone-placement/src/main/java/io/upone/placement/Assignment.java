package io.upone.placement;

import java.util.List;

/** One instance of {@code appId} goes into offer {@code offerId}, bound to {@code hostPorts} (in the app's port order). */
public record Assignment(String appId, String offerId, String agentId, String hostname, List<Integer> hostPorts) {
  public Assignment {
    hostPorts = List.copyOf(hostPorts);
  }
}
