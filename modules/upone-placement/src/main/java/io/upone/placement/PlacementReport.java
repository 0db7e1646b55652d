package io.upone.placement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Why an app got what it got in one cycle. {@code rejected}: offers (one per agent, normally)
 * turned down, by the name of the first filter that turned each down. {@code error}: set when the
 * app could not be considered at all (a bad constraint, an unknown strategy); empty otherwise.
 * Records, strings and numbers only, so it serialises to JSON as is.
 */
public record PlacementReport(String appId, int requested, int placed, int offersConsidered,
                              Map<String, Integer> rejected, String summary, String error) {
  public PlacementReport {
    rejected = Collections.unmodifiableMap(new TreeMap<>(rejected));
  }

  static PlacementReport of(String appId, int requested, int placed, int offersConsidered, Map<String, Integer> rejected) {
    return new PlacementReport(appId, requested, placed, offersConsidered, rejected,
        summary(requested, placed, offersConsidered, rejected), "");
  }

  static PlacementReport failed(String appId, int requested, int offersConsidered, String error) {
    return new PlacementReport(appId, requested, 0, offersConsidered, Map.of(),
        "placed 0 of " + requested + ": " + error, error);
  }

  /**
   * Reports of one app from several cycles over disjoint offers (agents offer one at a time in
   * native mode) as one: offers, placements and rejections add up; requested and error are the
   * newest report's.
   */
  public static PlacementReport merge(List<PlacementReport> oldestFirst) {
    if (oldestFirst.isEmpty()) throw new IllegalArgumentException("nothing to merge");
    PlacementReport newest = oldestFirst.get(oldestFirst.size() - 1);
    int placed = 0;
    int offers = 0;
    Map<String, Integer> rejected = new TreeMap<>();
    for (PlacementReport r : oldestFirst) {
      placed += r.placed();
      offers += r.offersConsidered();
      r.rejected().forEach((k, v) -> rejected.merge(k, v, Integer::sum));
    }
    if (!newest.error().isEmpty()) return failed(newest.appId(), newest.requested(), offers, newest.error());
    return of(newest.appId(), newest.requested(), placed, offers, rejected);
  }

  /** e.g. "placed 7 of 10 (12 offers); rejected: 10 agents by UNIQUE(hostname), 3 by cpus". */
  static String summary(int requested, int placed, int offers, Map<String, Integer> rejected) {
    StringBuilder b = new StringBuilder("placed ").append(placed).append(" of ").append(requested)
        .append(" (").append(offers).append(offers == 1 ? " offer)" : " offers)");
    if (rejected.isEmpty()) return b.toString();
    List<Map.Entry<String, Integer>> byCount = new ArrayList<>(rejected.entrySet());
    byCount.sort(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue).reversed()
        .thenComparing(Map.Entry::getKey));
    b.append("; rejected: ");
    for (int i = 0; i < byCount.size(); i++) {
      Map.Entry<String, Integer> e = byCount.get(i);
      if (i > 0) b.append(", ");
      b.append(e.getValue());
      if (i == 0) b.append(e.getValue() == 1 ? " agent" : " agents");
      b.append(" by ").append(e.getKey());
    }
    return b.toString();
  }
}
