package io.upone.placement;

import java.util.Map;

/** A task already running or launching: it counts toward constraints and spreads. {@code labels} are its app's labels. */
public record Placed(String taskId, String appId, String agentId, Map<String, String> labels) {
  public Placed {
    if (appId == null || agentId == null) throw new IllegalArgumentException("placed task " + taskId + ": appId and agentId are required");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
