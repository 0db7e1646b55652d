package io.upone.placement;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Strategies by name (an app picks one with the label {@code upone.placement}), the one apps get
 * without the label, and agent weights: by agent id, else from a numeric attribute
 * ({@code weightAttribute}, e.g. "weight"), else 1.
 */
public record PlacementConfig(Map<String, PlacementStrategy> strategies, String defaultStrategy,
                              Map<String, Double> agentWeights, String weightAttribute) {
  /** The app label that picks a strategy. */
  public static final String STRATEGY_LABEL = "upone.placement";

  public PlacementConfig {
    strategies = java.util.Collections.unmodifiableMap(new TreeMap<>(strategies));
    agentWeights = Map.copyOf(agentWeights);
    weightAttribute = weightAttribute == null ? "" : weightAttribute;
    if (!strategies.containsKey(defaultStrategy)) {
      throw new IllegalArgumentException("defaultStrategy '" + defaultStrategy + "' is not one of " + strategies.keySet());
    }
    for (Map.Entry<String, PlacementStrategy> e : strategies.entrySet()) {
      if (!e.getKey().equals(e.getValue().name())) {
        throw new IllegalArgumentException("strategy registered as '" + e.getKey() + "' is named '" + e.getValue().name() + "'");
      }
    }
    for (Map.Entry<String, Double> e : agentWeights.entrySet()) {
      if (!(e.getValue() >= 0)) throw new IllegalArgumentException("agentWeights." + e.getKey() + " must be >= 0");
    }
  }

  /** spread (the default) and binpack, no weights. */
  public static PlacementConfig defaults() {
    Map<String, PlacementStrategy> m = new HashMap<>();
    m.put("spread", PlacementStrategy.spread());
    m.put("binpack", PlacementStrategy.binpack());
    return new PlacementConfig(m, "spread", Map.of(), "");
  }

  public PlacementConfig withStrategy(PlacementStrategy s) {
    Map<String, PlacementStrategy> m = new HashMap<>(strategies);
    m.put(s.name(), s);
    return new PlacementConfig(m, defaultStrategy, agentWeights, weightAttribute);
  }

  public PlacementConfig withDefaultStrategy(String name) {
    return new PlacementConfig(strategies, name, agentWeights, weightAttribute);
  }

  public PlacementConfig withAgentWeights(Map<String, Double> byAgentId, String attribute) {
    return new PlacementConfig(strategies, defaultStrategy, byAgentId, attribute);
  }

  /** Weight of an agent: configured by id, else its weight attribute when that is a number >= 0, else 1. */
  double weightOf(AgentInfo agent) {
    Double w = agentWeights.get(agent.agentId());
    if (w != null) return w;
    if (!weightAttribute.isEmpty()) {
      String v = agent.attributes().get(weightAttribute);
      if (v != null) {
        try {
          double d = Double.parseDouble(v.trim());
          if (d >= 0 && Double.isFinite(d)) return d;
        } catch (NumberFormatException ignored) {
          // a non-numeric weight attribute counts as unweighted
        }
      }
    }
    return 1;
  }
}
