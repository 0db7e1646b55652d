package io.upone.placement;

import java.util.Map;

/** An agent as constraints see it: a hostname and text attributes. */
public record AgentInfo(String agentId, String hostname, Map<String, String> attributes) {
  public AgentInfo {
    attributes = Map.copyOf(attributes);
  }

  /** The value a constraint field names on this agent: {@code hostname} or an attribute; null when absent. */
  public String value(String field) {
    return "hostname".equals(field) ? hostname : attributes.get(field);
  }
}
