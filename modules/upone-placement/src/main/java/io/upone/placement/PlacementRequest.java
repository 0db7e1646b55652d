package io.upone.placement;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import java.util.List;
import java.util.Map;

/**
 * One offer cycle. {@code knownAgents}: every agent the driver knows, offering or not; spreads
 * and GROUP_BY are computed over them. Demands are placed in the order given (give them sorted
 * for a stable priority); an app may appear once.
 */
public record PlacementRequest(List<Demand> demands, List<Offer> offers, Map<String, ClusterDriver.Agent> knownAgents,
                               List<Placed> existing) {
  public PlacementRequest {
    demands = List.copyOf(demands);
    offers = List.copyOf(offers);
    knownAgents = Map.copyOf(knownAgents);
    existing = List.copyOf(existing);
  }
}
