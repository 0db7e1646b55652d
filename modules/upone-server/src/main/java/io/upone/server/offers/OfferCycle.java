package io.upone.server.offers;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.JobRecord;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import io.upone.placement.Demand;
import io.upone.placement.Placed;
import io.upone.placement.Placement;
import io.upone.placement.PlacementReport;
import io.upone.placement.PlacementRequest;
import io.upone.placement.PlacementResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Offers meet demands through the placement pipeline, and what the API needs afterwards: each
 * app's last placement report ("why pending") and the cluster's free capacity for what-if
 * questions. Owned by the task lifecycle's thread.
 */
final class OfferCycle {
  /** An app's last report and when its cycle ran. */
  record AppReport(PlacementReport report, long atMs) {}

  private final Placement placement;
  /**
   * Per app, the latest report for each group of agents that offered together. A new cycle
   * replaces the groups it overlaps, so every agent's latest verdict counts once.
   */
  private final Map<String, Map<Set<String>, AppReport>> reports = new HashMap<>();
  /** Verdicts older than this no longer explain anything. */
  private static final long REPORT_TTL_MS = 60_000;
  /** The newest offer of each agent: what-if falls back on them when the driver cannot say. */
  private final Map<String, Offer> lastOffers = new LinkedHashMap<>();
  private long lastOffersAtMs;
  /** Tasks placed whose TaskLaunched is not applied yet: they count for constraints already. */
  private final Map<String, Placed> inFlight = new HashMap<>();

  OfferCycle(Placement placement) {
    this.placement = placement;
  }

  void clear() {
    reports.clear();
    lastOffers.clear();
    inFlight.clear();
  }

  PlacementResult place(State s, List<Demand> demands, Collection<Offer> offers, Map<String, ClusterDriver.Agent> agents,
                        long now) {
    for (Offer o : offers) lastOffers.put(o.agentId(), o);
    lastOffersAtMs = now;
    PlacementResult r = placement.place(new PlacementRequest(demands, List.copyOf(offers), agents, existing(s, demands)));
    Set<String> agentsOffering = new HashSet<>();
    for (Offer o : offers) agentsOffering.add(o.agentId());
    r.reports().forEach((appId, report) -> {
      Map<Set<String>, AppReport> groups = reports.computeIfAbsent(appId, k -> new LinkedHashMap<>());
      groups.entrySet().removeIf(e -> !Collections.disjoint(e.getKey(), agentsOffering) || now - e.getValue().atMs() > REPORT_TTL_MS);
      groups.put(agentsOffering, new AppReport(report, now));
    });
    return r;
  }

  /** How many instances of {@code app} would fit now, and where; nothing is reserved or written. */
  PlacementResult whatIf(State s, AppSpec app, Map<String, Offer> capacity, Map<String, ClusterDriver.Agent> agents) {
    Collection<Offer> offers = capacity.isEmpty() ? lastOffers.values() : capacity.values();
    return placement.place(new PlacementRequest(List.of(new Demand(app, app.getInstances())), List.copyOf(offers),
        agents, existing(s)));
  }

  /** The app's verdicts from the last minute merged: each agent's latest counted once. */
  Optional<AppReport> report(String appId) {
    Map<Set<String>, AppReport> groups = reports.get(appId);
    if (groups == null || groups.isEmpty()) return Optional.empty();
    List<AppReport> byTime = new ArrayList<>(groups.values());
    byTime.sort(java.util.Comparator.comparingLong(AppReport::atMs));
    return Optional.of(new AppReport(PlacementReport.merge(byTime.stream().map(AppReport::report).toList()),
        byTime.get(byTime.size() - 1).atMs()));
  }

  long lastOffersAtMs() {
    return lastOffersAtMs;
  }

  void launching(String taskId, Placed p) {
    inFlight.put(taskId, p);
  }

  void launchWritten(String taskId) {
    inFlight.remove(taskId);
  }

  private List<Placed> existing(State s) {
    return existing(s, null);
  }

  /**
   * The tasks placement must see. Constraints count an app's own tasks; only rules on other
   * tasks' labels ({@code task:} fields) need every task. So unless a demanded app has such a
   * rule, only the demanded apps' tasks are listed: a scale-up of one app does not walk a
   * cluster of 100,000 tasks.
   */
  private List<Placed> existing(State s, List<Demand> demands) {
    boolean all = demands == null || demands.stream().anyMatch(d -> d.app().getConstraintsList().stream()
        .anyMatch(c -> c.getField().startsWith(io.upone.core.AppValidator.TASK_FIELD)));
    Set<String> wanted = new HashSet<>();
    if (!all) for (Demand d : demands) wanted.add(d.app().getId());
    Map<String, Map<String, String>> labels = new HashMap<>();
    List<Placed> out = new ArrayList<>();
    for (Task t : all ? s.tasks() : wanted.stream().flatMap(id -> s.tasksOf(id).stream()).toList()) {
      out.add(placed(s, t, labels));
    }
    for (Map.Entry<String, Placed> e : inFlight.entrySet()) {
      if (s.task(e.getKey()).isEmpty() && (all || wanted.contains(e.getValue().appId()))) out.add(e.getValue());
    }
    return out;
  }

  private static Placed placed(State s, Task t, Map<String, Map<String, String>> labels) {
    Map<String, String> l = labels.computeIfAbsent(t.appId(), id -> s.app(id).map(AppSpec::getLabelsMap)
        .or(() -> s.job(id).map(JobRecord::getSpec).map(j -> j.getLabelsMap())).orElse(Map.of()));
    return new Placed(t.id(), t.appId(), t.agentId(), l);
  }
}
