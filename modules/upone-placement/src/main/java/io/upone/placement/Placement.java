package io.upone.placement;

import io.upone.core.driver.Offer;
import io.upone.core.proto.AppSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * The placement pipeline: for each demand in order, drop the offers the app's static filters
 * turn down, rank the rest in a heap, then take the best offer, check it against the filters that
 * depend on what is placed (resources, ports, UNIQUE, MAX_PER, task rules, GROUP_BY, spread), and
 * assign, until the demand is met or no offer is left. Only the chosen offer changes, so only it
 * is re-scored: a cycle costs about offers x apps + placements x log(offers), not offers x tasks.
 *
 * <p>Pure and side-effect free: the request is not changed, there is no clock and no randomness,
 * and ties are broken by agent id then offer id, so the same request gives the same result.
 */
public final class Placement {
  private final PlacementConfig config;

  public Placement(PlacementConfig config) {
    this.config = config;
  }

  public Placement() {
    this(PlacementConfig.defaults());
  }

  /** An offer with its score for the app being placed; best first, ties to the lower agent id, then offer id. */
  private record Candidate(OfferSlot slot, double score) implements Comparable<Candidate> {
    @Override
    public int compareTo(Candidate o) {
      int c = Double.compare(o.score, score);
      return c != 0 ? c : Integer.compare(slot.order(), o.slot.order());
    }
  }

  public PlacementResult place(PlacementRequest request) {
    Set<String> seen = new HashSet<>();
    for (Demand d : request.demands()) {
      if (!seen.add(d.app().getId())) throw new IllegalArgumentException("demands: app " + d.app().getId() + " appears more than once");
    }
    ClusterView view = ClusterView.of(request);
    List<OfferSlot> slots = slots(request.offers());
    double maxWeight = 0;
    for (OfferSlot s : slots) maxWeight = Math.max(maxWeight, s.weight());
    Map<String, List<Placed>> existingByApp = new HashMap<>();
    for (Placed p : request.existing()) existingByApp.computeIfAbsent(p.appId(), k -> new ArrayList<>()).add(p);
    TaskLabelIndex labels = new TaskLabelIndex(request.existing());

    List<Assignment> assignments = new ArrayList<>();
    Map<String, PlacementReport> reports = new TreeMap<>();
    for (Demand d : request.demands()) {
      String appId = d.app().getId();
      AppPlan plan;
      try {
        plan = AppPlan.of(d, config, view, existingByApp.getOrDefault(appId, List.of()), labels, maxWeight);
      } catch (PlacementException e) {
        reports.put(appId, PlacementReport.failed(appId, d.count(), slots.size(), e.getMessage()));
        continue;
      }
      reports.put(appId, placeApp(plan, slots, labels, assignments));
    }
    return new PlacementResult(assignments, reports);
  }

  private PlacementReport placeApp(AppPlan plan, List<OfferSlot> slots, TaskLabelIndex labels, List<Assignment> out) {
    Map<String, Integer> rejected = new TreeMap<>();
    int placed = 0;
    if (plan.requested() > 0) {
      List<Candidate> feasible = new ArrayList<>(slots.size());
      for (OfferSlot s : slots) {
        StaticFilter f = plan.staticReject(s.agent());
        if (f != null) rejected.merge(f.name(), 1, Integer::sum);
        else feasible.add(new Candidate(s, plan.score(s)));
      }
      PriorityQueue<Candidate> heap = new PriorityQueue<>(Math.max(1, feasible.size()));
      heap.addAll(feasible);
      // offers turned down by a filter that may change its mind (GROUP_BY), with that filter's name
      Map<Candidate, String> waiting = new java.util.LinkedHashMap<>();
      AppSpec app = plan.app();
      while (placed < plan.requested() && !heap.isEmpty()) {
        Candidate top = heap.poll();
        OfferSlot slot = top.slot();
        double now = plan.score(slot);
        if (now < top.score()) { // another offer of the same agent got an instance since it was scored
          heap.add(new Candidate(slot, now));
          continue;
        }
        Filter f = plan.dynamicReject(slot);
        if (f != null) {
          if (f.mayRecover()) waiting.put(top, f.name());
          else rejected.merge(f.name(), 1, Integer::sum);
          continue;
        }
        int[] ports = plan.ports(slot);
        slot.take(app.getCpus(), app.getMem(), app.getDisk(), ports);
        labels.placed(slot.agentId(), app.getLabelsMap());
        List<Integer> hostPorts = new ArrayList<>(ports.length);
        for (int p : ports) hostPorts.add(p);
        out.add(new Assignment(app.getId(), slot.offer().offerId(), slot.agentId(), slot.agent().hostname(), hostPorts));
        placed++;
        if (plan.placed(slot) && !waiting.isEmpty()) {
          for (Candidate w : waiting.keySet()) heap.add(new Candidate(w.slot(), plan.score(w.slot())));
          waiting.clear();
        }
        heap.add(new Candidate(slot, plan.score(slot)));
      }
      for (String name : waiting.values()) rejected.merge(name, 1, Integer::sum);
    }
    return PlacementReport.of(plan.appId(), plan.requested(), placed, slots.size(), rejected);
  }

  /** Offers in a fixed order (by agent id, then offer id), whatever order the driver gave them in. */
  private List<OfferSlot> slots(List<Offer> offers) {
    List<Offer> sorted = new ArrayList<>(offers);
    sorted.sort(Comparator.comparing(Offer::agentId).thenComparing(Offer::offerId));
    List<OfferSlot> out = new ArrayList<>(sorted.size());
    Set<String> ids = new HashSet<>();
    for (Offer o : sorted) {
      if (!ids.add(o.offerId())) throw new IllegalArgumentException("offers: offer " + o.offerId() + " appears more than once");
      AgentInfo agent = new AgentInfo(o.agentId(), o.hostname(), o.attributes(), o.executors());
      out.add(new OfferSlot(o, agent, config.weightOf(agent), out.size()));
    }
    return out;
  }
}
