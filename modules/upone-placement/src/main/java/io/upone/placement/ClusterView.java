package io.upone.placement;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Every agent of one request: the known ones, plus any that offers without being known yet. Sorted by id. */
final class ClusterView {
  private final Map<String, AgentInfo> agents;

  private ClusterView(Map<String, AgentInfo> agents) {
    this.agents = agents;
  }

  static ClusterView of(PlacementRequest r) {
    Map<String, AgentInfo> m = new TreeMap<>();
    for (ClusterDriver.Agent a : r.knownAgents().values()) m.put(a.agentId(), new AgentInfo(a.agentId(), a.hostname(), a.attributes(), a.executors()));
    for (Offer o : r.offers()) m.putIfAbsent(o.agentId(), new AgentInfo(o.agentId(), o.hostname(), o.attributes(), o.executors()));
    return new ClusterView(Collections.unmodifiableMap(m));
  }

  AgentInfo agent(String agentId) {
    return agents.get(agentId);
  }

  Collection<AgentInfo> agents() {
    return agents.values();
  }
}
