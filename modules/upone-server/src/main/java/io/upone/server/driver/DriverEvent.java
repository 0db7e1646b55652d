package io.upone.server.driver;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.driver.TaskReport;
import java.util.List;
import java.util.Map;

/** What the driver tells the scheduler, on the local bus. Immutable. */
public sealed interface DriverEvent {
  /** Offers, with the agents the driver knows at that moment (placement spreads over all of them). */
  record Offers(List<Offer> offers, Map<String, ClusterDriver.Agent> agents) implements DriverEvent {
    public Offers {
      offers = List.copyOf(offers);
      agents = Map.copyOf(agents);
    }
  }

  record Rescinded(String offerId) implements DriverEvent {}

  /** The driver (re)started on this leader: it sends offers only once revived. */
  record Started() implements DriverEvent {}

  record Report(TaskReport report) implements DriverEvent {}

  record AgentLost(String agentId, String reason) implements DriverEvent {}
}
