package io.upone.placement;

import java.util.List;
import java.util.Map;

/** Assignments in placement order, and one report per demanded app (sorted by app id). */
public record PlacementResult(List<Assignment> assignments, Map<String, PlacementReport> reports) {
  public PlacementResult {
    assignments = List.copyOf(assignments);
    reports = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(reports));
  }
}
