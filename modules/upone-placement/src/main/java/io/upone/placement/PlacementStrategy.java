package io.upone.placement;

import java.util.List;

/**
 * How an app's feasible offers are ordered: weighted rankers, and whether instances are spread
 * over agents (a per-agent share) or packed. An app picks one with the label
 * {@code upone.placement=<name>}; new ones are registered in {@link PlacementConfig}.
 */
public interface PlacementStrategy {
  String name();

  List<Weighted> rankers();

  /** Spread: no agent gets more than its share of an app (ceil(instances / feasible agents)). */
  boolean spreadsOverAgents();

  record Weighted(Ranker ranker, double weight) {
    public Weighted {
      if (ranker == null) throw new IllegalArgumentException("ranker is required");
      if (!(weight >= 0)) throw new IllegalArgumentException("weight of ranker " + ranker.name() + " must be >= 0");
    }
  }

  /** A strategy from parts, for configuration. */
  static PlacementStrategy of(String name, boolean spreadsOverAgents, List<Weighted> rankers) {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("strategy name must not be empty");
    List<Weighted> copy = List.copyOf(rankers);
    return new PlacementStrategy() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<Weighted> rankers() {
        return copy;
      }

      @Override
      public boolean spreadsOverAgents() {
        return spreadsOverAgents;
      }
    };
  }

  /**
   * Fewest instances of the app on the agent first (its weight is above the sum of the others,
   * so it is a strict tier and an app stays within ±1 across agents that offer), then the least
   * loaded, the heaviest-weighted, the roomiest.
   */
  static PlacementStrategy spread() {
    return of("spread", true, List.of(
        new Weighted(new FewestInstancesRanker(), 10),
        new Weighted(new LoadRanker(), 2),
        new Weighted(new WeightRanker(), 1),
        new Weighted(new RoomRanker(false), 1)));
  }

  /** Fullest offer that still fits first, so whole agents stay free for big tasks; load and weight break ties. */
  static PlacementStrategy binpack() {
    return of("binpack", false, List.of(
        new Weighted(new RoomRanker(true), 4),
        new Weighted(new LoadRanker(), 1),
        new Weighted(new WeightRanker(), 1)));
  }
}
