package io.upone.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.driver.PortRange;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Constraint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Properties over random clusters and specs (seeded; a failure names its seed, rerun with it):
 * no over-commit, no port twice, every hard constraint holds as tasks were placed, spreads and
 * GROUP_BY within ±1 when every agent offers, and the same request always gives the same result.
 */
class PlacementPropertiesTest {
  private static final int RUNS = 1000;
  private final Placement placement = new Placement();

  private interface Check {
    void run(long seed);
  }

  private static void forSeeds(Check check) {
    for (long seed = 1; seed <= RUNS; seed++) {
      try {
        check.run(seed);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("failed for seed " + seed + ": " + e.getMessage(), e);
      }
    }
  }

  @Test
  void hardRulesHoldOnRandomClusters() {
    int[] placed = {0};
    Set<String> reasons = new HashSet<>();
    forSeeds(seed -> {
      PlacementRequest req = RandomCluster.generate(new Random(seed), false);
      PlacementResult r = placement.place(req);
      checkResources(req, r);
      checkPorts(req, r);
      checkConstraints(req, r);
      checkReports(req, r);
      placed[0] += r.assignments().size();
      r.reports().values().forEach(rep -> rep.rejected().keySet().forEach(k -> reasons.add(k.replaceAll("\\(.*", ""))));
    });
    // the generator must reach every filter, or the checks above prove little
    assertTrue(placed[0] > 5 * RUNS, "placed " + placed[0]);
    assertTrue(reasons.containsAll(List.of("cpus", "mem", "disk", "ports", "spread", "UNIQUE", "MAX_PER", "GROUP_BY",
        "CLUSTER", "LIKE", "UNLIKE", "IS")), reasons.toString());
  }

  @Test
  void sameRequestSameResultWhateverTheInputOrder() {
    forSeeds(seed -> {
      PlacementRequest req = RandomCluster.generate(new Random(seed), seed % 2 == 0);
      PlacementResult first = placement.place(req);
      assertEquals(first, placement.place(req));
      Random shuffle = new Random(seed * 31);
      List<Offer> offers = new ArrayList<>(req.offers());
      Collections.shuffle(offers, shuffle);
      List<Map.Entry<String, ClusterDriver.Agent>> agents = new ArrayList<>(req.knownAgents().entrySet());
      Collections.shuffle(agents, shuffle);
      Map<String, ClusterDriver.Agent> known = new LinkedHashMap<>();
      for (Map.Entry<String, ClusterDriver.Agent> e : agents) known.put(e.getKey(), e.getValue());
      List<Placed> existing = new ArrayList<>(req.existing());
      Collections.shuffle(existing, shuffle);
      assertEquals(first, placement.place(new PlacementRequest(req.demands(), offers, known, existing)));
    });
  }

  @Test
  void spreadsStayWithinOneWhenEveryAgentOffers() {
    forSeeds(seed -> {
      PlacementRequest req = RandomCluster.generate(new Random(seed), true);
      PlacementResult r = placement.place(req);
      for (Demand d : req.demands()) {
        AppSpec app = d.app();
        List<Assignment> mine = r.assignments().stream().filter(a -> a.appId().equals(app.getId())).toList();
        for (Constraint c : app.getConstraintsList()) {
          Map<String, Integer> perValue = new TreeMap<>();
          for (ClusterDriver.Agent a : req.knownAgents().values()) perValue.put(value(a, c.getField()), 0);
          for (Assignment a : mine) perValue.merge(value(req.knownAgents().get(a.agentId()), c.getField()), 1, Integer::sum);
          int spread = Collections.max(perValue.values()) - Collections.min(perValue.values());
          assertTrue(spread <= 1, app.getId() + " GROUP_BY(" + c.getField() + ") " + perValue);
        }
        boolean spreads = !"binpack".equals(app.getLabelsMap().get("upone.placement"));
        if (spreads && app.getConstraintsCount() == 0) {
          assertEquals(d.count(), mine.size(), app.getId() + " has room everywhere");
          Map<String, Integer> perAgent = new TreeMap<>();
          for (String id : req.knownAgents().keySet()) perAgent.put(id, 0);
          for (Assignment a : mine) perAgent.merge(a.agentId(), 1, Integer::sum);
          int spread = Collections.max(perAgent.values()) - Collections.min(perAgent.values());
          assertTrue(spread <= 1, app.getId() + " per agent " + perAgent);
        }
      }
    });
  }

  // ---- checks ------------------------------------------------------------------------------

  private static String value(ClusterDriver.Agent a, String field) {
    return "hostname".equals(field) ? a.hostname() : a.attributes().get(field);
  }

  private static Map<String, Offer> offersById(PlacementRequest req) {
    Map<String, Offer> m = new HashMap<>();
    for (Offer o : req.offers()) m.put(o.offerId(), o);
    return m;
  }

  private static Map<String, AppSpec> appsById(PlacementRequest req) {
    Map<String, AppSpec> m = new HashMap<>();
    for (Demand d : req.demands()) m.put(d.app().getId(), d.app());
    return m;
  }

  private static void checkResources(PlacementRequest req, PlacementResult r) {
    Map<String, AppSpec> apps = appsById(req);
    Map<String, double[]> used = new HashMap<>();
    for (Assignment a : r.assignments()) {
      AppSpec app = apps.get(a.appId());
      double[] u = used.computeIfAbsent(a.offerId(), k -> new double[3]);
      u[0] += app.getCpus();
      u[1] += app.getMem();
      u[2] += app.getDisk();
    }
    Map<String, Offer> offers = offersById(req);
    used.forEach((id, u) -> {
      Offer o = offers.get(id);
      assertTrue(u[0] <= o.resources().cpus() + 1e-6, "cpus over-committed in " + id);
      assertTrue(u[1] <= o.resources().mem() + 1e-6, "mem over-committed in " + id);
      assertTrue(u[2] <= o.resources().disk() + 1e-6, "disk over-committed in " + id);
    });
  }

  private static void checkPorts(PlacementRequest req, PlacementResult r) {
    Map<String, Offer> offers = offersById(req);
    Map<String, AppSpec> apps = appsById(req);
    Map<String, Set<Integer>> perAgent = new HashMap<>();
    for (Assignment a : r.assignments()) {
      Offer o = offers.get(a.offerId());
      AppSpec app = apps.get(a.appId());
      assertEquals(app.getPortDefinitionsCount(), a.hostPorts().size(), "ports of " + a);
      for (int i = 0; i < a.hostPorts().size(); i++) {
        int p = a.hostPorts().get(i);
        int asked = app.getRequirePorts() ? app.getPortDefinitions(i).getPort() : 0;
        if (asked != 0) assertEquals(asked, p, "fixed port of " + a);
        assertTrue(o.resources().ports().stream().anyMatch(range -> range.contains(p)), p + " not offered in " + a.offerId());
        assertTrue(!o.usedPorts().contains(p), p + " already in use on " + a.agentId());
        assertTrue(perAgent.computeIfAbsent(a.agentId(), k -> new HashSet<>()).add(p), p + " booked twice on " + a.agentId());
      }
    }
  }

  /** Replays the assignments in order and checks each against the app's constraints at that moment. */
  private static void checkConstraints(PlacementRequest req, PlacementResult r) {
    Map<String, AppSpec> apps = appsById(req);
    Map<String, List<Map<String, String>>> labelsOnAgent = new HashMap<>();
    Map<String, Map<String, Integer>> countsPerAppField = new HashMap<>(); // app|field -> value -> n
    for (Placed p : req.existing()) {
      labelsOnAgent.computeIfAbsent(p.agentId(), k -> new ArrayList<>()).add(p.labels());
      count(req, countsPerAppField, p.appId(), p.agentId(), apps.get(p.appId()));
    }
    for (Assignment a : r.assignments()) {
      AppSpec app = apps.get(a.appId());
      ClusterDriver.Agent agent = req.knownAgents().get(a.agentId());
      for (Constraint c : app.getConstraintsList()) {
        String what = a.appId() + " " + c.getField() + " " + c.getOperator() + " " + c.getValue() + " on " + a.agentId();
        if (c.getField().startsWith("task:")) {
          String key = c.getField().substring(5);
          Pattern pat = Pattern.compile(c.getValue());
          boolean near = labelsOnAgent.getOrDefault(a.agentId(), List.of()).stream()
              .anyMatch(l -> l.get(key) != null && pat.matcher(l.get(key)).matches());
          assertEquals(c.getOperator().equals("LIKE"), near, what);
          continue;
        }
        String v = value(agent, c.getField());
        switch (c.getOperator()) {
          case "CLUSTER", "IS" -> assertEquals(c.getValue(), v, what);
          case "LIKE" -> assertTrue(v != null && v.matches(c.getValue()), what);
          case "UNLIKE" -> assertTrue(v == null || !v.matches(c.getValue()), what);
          case "UNIQUE", "MAX_PER" -> {
            int limit = c.getOperator().equals("UNIQUE") ? 1 : Integer.parseInt(c.getValue());
            int before = countsPerAppField.getOrDefault(a.appId() + "|" + c.getField(), Map.of()).getOrDefault(v, 0);
            assertTrue(v != null && before < limit, what + " had " + before);
          }
          case "GROUP_BY" -> assertTrue(v != null, what);
          default -> fail("unexpected operator in " + what);
        }
      }
      labelsOnAgent.computeIfAbsent(a.agentId(), k -> new ArrayList<>()).add(app.getLabelsMap());
      count(req, countsPerAppField, a.appId(), a.agentId(), app);
    }
  }

  private static void count(PlacementRequest req, Map<String, Map<String, Integer>> counts, String appId, String agentId, AppSpec app) {
    ClusterDriver.Agent agent = req.knownAgents().get(agentId);
    if (agent == null || app == null) return;
    Set<String> fields = new HashSet<>();
    for (Constraint c : app.getConstraintsList()) {
      if (!fields.add(c.getField())) continue; // two constraints on one field count a task once
      String v = value(agent, c.getField());
      if (v != null) counts.computeIfAbsent(appId + "|" + c.getField(), k -> new HashMap<>()).merge(v, 1, Integer::sum);
    }
  }

  private static void checkReports(PlacementRequest req, PlacementResult r) {
    assertEquals(req.demands().size(), r.reports().size());
    for (Demand d : req.demands()) {
      PlacementReport rep = r.reports().get(d.app().getId());
      long placed = r.assignments().stream().filter(a -> a.appId().equals(d.app().getId())).count();
      assertEquals("", rep.error());
      assertEquals(placed, rep.placed());
      assertTrue(rep.placed() <= d.count());
      assertEquals(req.offers().size(), rep.offersConsidered());
      int rejected = rep.rejected().values().stream().mapToInt(Integer::intValue).sum();
      assertTrue(rejected <= req.offers().size(), "each offer is turned down once at most: " + rep);
    }
  }
}
