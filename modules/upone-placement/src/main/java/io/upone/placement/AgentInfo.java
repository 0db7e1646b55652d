package io.upone.placement;

import java.util.Map;
import java.util.Set;

/**
 * An agent as constraints see it: a hostname, text attributes, and what it runs ("process",
 * "docker"; empty when the cluster engine does not say).
 */
public record AgentInfo(String agentId, String hostname, Map<String, String> attributes, Set<String> executors) {
  public AgentInfo {
    attributes = Map.copyOf(attributes);
    executors = Set.copyOf(executors);
  }

  public AgentInfo(String agentId, String hostname, Map<String, String> attributes) {
    this(agentId, hostname, attributes, Set.of());
  }

  /** The value a constraint field names on this agent: {@code hostname} or an attribute; null when absent. */
  public String value(String field) {
    return "hostname".equals(field) ? hostname : attributes.get(field);
  }
}
