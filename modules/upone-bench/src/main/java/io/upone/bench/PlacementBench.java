package io.upone.bench;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.driver.PortRange;
import io.upone.core.driver.Resources;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Constraint;
import io.upone.core.proto.PortDefinition;
import io.upone.core.state.State;
import io.upone.placement.Demand;
import io.upone.placement.Placement;
import io.upone.placement.PlacementRequest;
import io.upone.placement.PlacementResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Placement pipeline alone: 1,000 agents (one offer each) x 10,000 pending tasks of 100 apps with
 * mixed constraints (none, UNIQUE, GROUP_BY, MAX_PER, LIKE, CLUSTER + binpack, task rules),
 * placements per second (median of rounds; target >= 100,000/s). Baseline, same input, same run:
 * the scheduler's first matcher, {@code OfferMatcher}, called offer by offer as the task lifecycle
 * calls it. Not a test: figures depend on the machine.
 *
 * <p>Args: {@code --agents 1000 --apps 100 --per-app 100 --rounds 7}.
 */
public final class PlacementBench {
  private PlacementBench() {}

  public static void main(String[] args) {
    Map<String, String> opt = BenchUtil.options(args, Map.of("agents", "1000", "apps", "100", "per-app", "100", "rounds", "7"));
    int agents = Integer.parseInt(opt.get("agents"));
    int apps = Integer.parseInt(opt.get("apps"));
    int perApp = Integer.parseInt(opt.get("per-app"));
    int rounds = Integer.parseInt(opt.get("rounds"));
    PlacementRequest req = request(agents, apps, perApp);
    int pending = apps * perApp;
    System.out.printf("placement bench: %d agents, %d apps x %d = %d pending tasks, %d rounds (median)%n",
        agents, apps, perApp, pending, rounds);

    Placement placement = new Placement();
    PlacementResult result = null;
    // warm-up until the JIT has settled: a cold first cycle is several times slower than the rest
    long warmUntil = System.nanoTime() + 3_000_000_000L;
    for (int i = 0; i < 10 || System.nanoTime() < warmUntil; i++) result = placement.place(req);
    long[] ns = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      result = placement.place(req);
      ns[i] = System.nanoTime() - t0;
    }
    double pipelineS = median(ns) / 1e9;
    int placed = result.assignments().size();
    double pipelineRate = placed / pipelineS;
    System.out.printf("  pipeline: placed %d of %d in %.1f ms = %.0f placements/s%n", placed, pending, pipelineS * 1e3, pipelineRate);

    // baseline: OfferMatcher offer by offer with what is still pending, as TaskLifecycleVerticle does
    Map<String, OfferMatcher.AgentView> views = new HashMap<>();
    req.knownAgents().forEach((id, a) -> views.put(id, new OfferMatcher.AgentView(id, a.hostname(), a.attributes())));
    State empty = new State();
    int baseRounds = Math.max(1, rounds / 2);
    long[] bns = new long[baseRounds];
    int basePlaced = 0;
    matchAll(req, empty, views); // warm-up
    for (int i = 0; i < baseRounds; i++) {
      long t0 = System.nanoTime();
      basePlaced = matchAll(req, empty, views);
      bns[i] = System.nanoTime() - t0;
    }
    double baseS = median(bns) / 1e9;
    double baseRate = basePlaced / baseS;
    System.out.printf("  baseline OfferMatcher: placed %d of %d in %.1f ms = %.0f placements/s%n", basePlaced, pending, baseS * 1e3, baseRate);
    System.out.printf("  ratio pipeline/baseline: %.1fx (placements/s)%n", pipelineRate / baseRate);
    BenchUtil.result("placement: placements/s (pipeline)", String.format("%.0f", pipelineRate), ">= 100000", pipelineRate >= 100_000);
    BenchUtil.result("placement: placements/s (OfferMatcher baseline)", String.format("%.0f", baseRate), "-", null);
    BenchUtil.result("placement: ratio to baseline", String.format("%.1fx", pipelineRate / baseRate), "-", null);
  }

  private static int matchAll(PlacementRequest req, State state, Map<String, OfferMatcher.AgentView> views) {
    Map<String, Integer> remaining = new LinkedHashMap<>();
    Map<String, AppSpec> apps = new LinkedHashMap<>();
    for (Demand d : req.demands()) {
      remaining.put(d.app().getId(), d.count());
      apps.put(d.app().getId(), d.app());
    }
    int placed = 0;
    for (Offer o : req.offers()) {
      List<OfferMatcher.Demand> demands = new ArrayList<>();
      remaining.forEach((id, n) -> {
        if (n > 0) demands.add(new OfferMatcher.Demand(apps.get(id), n, false));
      });
      if (demands.isEmpty()) break;
      for (OfferMatcher.Placement p : OfferMatcher.match(o, demands, state, views)) {
        remaining.merge(p.app().getId(), -1, Integer::sum);
        placed++;
      }
    }
    return placed;
  }

  /** The cluster and the demand, the same on every run. */
  static PlacementRequest request(int agentCount, int appCount, int perApp) {
    Map<String, ClusterDriver.Agent> known = new LinkedHashMap<>();
    List<Offer> offers = new ArrayList<>();
    for (int i = 0; i < agentCount; i++) {
      String id = String.format("agent-%04d", i);
      String host = "node-" + i;
      Map<String, String> attrs = Map.of("rack", "r" + (i % 50), "zone", "z" + (i % 5));
      known.put(id, new ClusterDriver.Agent(id, host, attrs));
      offers.add(new Offer("offer-" + id, id, host, attrs,
          new Resources(32, 131_072, 1_000_000, List.of(new PortRange(31000, 31999))), Set.of(), (i % 10) / 10.0));
    }
    List<Demand> demands = new ArrayList<>();
    for (int a = 0; a < appCount; a++) {
      AppSpec.Builder b = AppSpec.newBuilder().setId(String.format("/bench/app-%03d", a)).setCmd("run")
          .setCpus(0.5 + (a % 4) * 0.25).setMem(256 + (a % 8) * 128).setInstances(perApp)
          .putLabels("team", a % 7 == 0 ? "batch" : "web");
      if (a % 2 == 0) b.addPortDefinitions(PortDefinition.newBuilder().setPort(0));
      switch (a % 6) {
        case 1 -> b.addConstraints(c("hostname", "UNIQUE", ""));
        case 2 -> b.addConstraints(c("zone", "GROUP_BY", ""));
        case 3 -> b.addConstraints(c("rack", "MAX_PER", "3"));
        case 4 -> b.addConstraints(c("hostname", "LIKE", "node-[0-9]*[02468]"));
        case 5 -> b.addConstraints(c("zone", "CLUSTER", "z1")).putLabels("upone.placement", "binpack");
        default -> { }
      }
      if (a % 10 == 9) b.addConstraints(c("task:team", "UNLIKE", "batch"));
      demands.add(new Demand(b.build(), perApp));
    }
    return new PlacementRequest(demands, offers, known, List.of());
  }

  private static Constraint c(String field, String op, String value) {
    return Constraint.newBuilder().setField(field).setOperator(op).setValue(value).build();
  }

  private static double median(long[] ns) {
    long[] s = ns.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
  }
}
