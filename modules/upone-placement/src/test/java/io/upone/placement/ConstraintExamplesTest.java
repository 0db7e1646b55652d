package io.upone.placement;

import static io.upone.placement.Fixtures.app;
import static io.upone.placement.Fixtures.c;
import static io.upone.placement.Fixtures.perAgent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.driver.PortRange;
import io.upone.core.proto.AppSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One example per constraint operator, each with what the report says about the offers it turned down. */
class ConstraintExamplesTest {
  private final Placement placement = new Placement();

  private static Fixtures.Cluster racks() {
    // 6 agents over 3 racks (2 each) and 2 zones
    Fixtures.Cluster c = new Fixtures.Cluster();
    for (int i = 0; i < 6; i++) c.agent("a" + i, 8, 8192, "rack=r" + (i / 2), "zone=z" + (i % 2), "role=" + (i < 2 ? "edge" : "core"));
    return c;
  }

  @Test
  void uniqueHostnamePutsOneInstancePerHostAndReportsTheRest() {
    AppSpec a = app("/u", 0.1, 16).addConstraints(c("hostname", "UNIQUE")).build();
    PlacementResult r = placement.place(racks().request(new Demand(a, 10)));
    assertEquals(6, r.assignments().size());
    assertTrue(perAgent(r, "/u").values().stream().allMatch(n -> n == 1));
    PlacementReport rep = r.reports().get("/u");
    assertEquals(6, rep.placed());
    assertEquals(Map.of("UNIQUE(hostname)", 6), rep.rejected());
    assertEquals("placed 6 of 10 (6 offers); rejected: 6 agents by UNIQUE(hostname)", rep.summary());
  }

  @Test
  void uniqueCountsTasksAlreadyRunning() {
    Fixtures.Cluster c = racks().running("/u", "a0", Map.of()).running("/u", "a1", Map.of());
    AppSpec a = app("/u", 0.1, 16).addConstraints(c("rack", "UNIQUE")).build();
    PlacementResult r = placement.place(c.request(new Demand(a, 5)));
    // racks r1 and r2 get one each (ties go to the lower agent id); r0 already has its tasks
    assertEquals(Map.of("a2", 1, "a4", 1), perAgent(r, "/u"));
  }

  @Test
  void clusterAndIsKeepToOneValue() {
    AppSpec cl = app("/cl", 0.1, 16).addConstraints(c("rack", "CLUSTER", "r1")).build();
    AppSpec is = app("/is", 0.1, 16).addConstraints(c("role", "IS", "edge")).build();
    PlacementResult r = placement.place(racks().request(new Demand(cl, 4), new Demand(is, 4)));
    assertEquals(Map.of("a2", 2, "a3", 2), perAgent(r, "/cl"));
    assertEquals(Map.of("a0", 2, "a1", 2), perAgent(r, "/is"));
    assertEquals(Map.of("CLUSTER(rack:r1)", 4), r.reports().get("/cl").rejected());
    assertEquals(Map.of("IS(role:edge)", 4), r.reports().get("/is").rejected());
  }

  @Test
  void likeAndUnlikeMatchTheWholeValue() {
    AppSpec like = app("/like", 0.1, 16).addConstraints(c("hostname", "LIKE", "host-a[12]")).build();
    AppSpec partial = app("/partial", 0.1, 16).addConstraints(c("hostname", "LIKE", "a1")).build();
    AppSpec unlike = app("/unlike", 0.1, 16).addConstraints(c("rack", "UNLIKE", "r[01]")).build();
    PlacementResult r = placement.place(racks().request(new Demand(like, 2), new Demand(partial, 1), new Demand(unlike, 2)));
    assertEquals(Map.of("a1", 1, "a2", 1), perAgent(r, "/like"));
    assertEquals(Map.of(), perAgent(r, "/partial"), "a regex must match the whole hostname");
    assertEquals(Map.of("LIKE(hostname:a1)", 6), r.reports().get("/partial").rejected());
    assertEquals(Map.of("a4", 1, "a5", 1), perAgent(r, "/unlike"));
  }

  @Test
  void unlikeAcceptsAgentsWithoutTheAttributeAndLikeDoesNot() {
    Fixtures.Cluster c = new Fixtures.Cluster().agent("a0", 4, 4096, "gpu=yes").agent("a1", 4, 4096);
    AppSpec like = app("/like", 0.1, 16).addConstraints(c("gpu", "LIKE", ".*")).build();
    AppSpec unlike = app("/unlike", 0.1, 16).addConstraints(c("gpu", "UNLIKE", "yes")).build();
    PlacementResult r = placement.place(c.request(new Demand(like, 2), new Demand(unlike, 2)));
    assertEquals(Map.of("a0", 2), perAgent(r, "/like"));
    assertEquals(Map.of("a1", 2), perAgent(r, "/unlike"));
  }

  @Test
  void maxPerCapsTasksPerValue() {
    AppSpec a = app("/m", 0.1, 16).addConstraints(c("rack", "MAX_PER", "3")).build();
    PlacementResult r = placement.place(racks().request(new Demand(a, 20)));
    assertEquals(9, r.assignments().size());
    Map<String, Integer> perRack = new java.util.TreeMap<>();
    for (Assignment x : r.assignments()) perRack.merge(x.agentId().equals("a0") || x.agentId().equals("a1") ? "r0"
        : x.agentId().equals("a2") || x.agentId().equals("a3") ? "r1" : "r2", 1, Integer::sum);
    assertEquals(Map.of("r0", 3, "r1", 3, "r2", 3), perRack);
    assertEquals(Map.of("MAX_PER(rack:3)", 6), r.reports().get("/m").rejected());
  }

  @Test
  void groupByBalancesRacksWithinOne() {
    // binpack would fill one agent first; GROUP_BY still balances the racks
    AppSpec a = app("/g", 0.1, 16).addConstraints(c("rack", "GROUP_BY")).putLabels("upone.placement", "binpack").build();
    PlacementResult r = placement.place(racks().request(new Demand(a, 7)));
    assertEquals(7, r.assignments().size());
    int r0 = perAgent(r, "/g").entrySet().stream().filter(e -> e.getKey().equals("a0") || e.getKey().equals("a1")).mapToInt(Map.Entry::getValue).sum();
    int r1 = perAgent(r, "/g").entrySet().stream().filter(e -> e.getKey().equals("a2") || e.getKey().equals("a3")).mapToInt(Map.Entry::getValue).sum();
    int r2 = 7 - r0 - r1;
    assertTrue(List.of(r0, r1, r2).stream().allMatch(n -> n == 2 || n == 3), r0 + " " + r1 + " " + r2);
  }

  @Test
  void groupByWaitsForAGroupThatDoesNotOffer() {
    // rack r2's agents are known but not offering: one instance each in r0 and r1, then the app waits
    Fixtures.Cluster c = new Fixtures.Cluster();
    for (int i = 0; i < 6; i++) c.agent("a" + i, 8, 8192, List.of(new PortRange(31000, 31009)), 0, i < 4, "rack=r" + (i / 2));
    AppSpec a = app("/g", 0.1, 16).addConstraints(c("rack", "GROUP_BY")).build();
    PlacementResult r = placement.place(c.request(new Demand(a, 6)));
    assertEquals(2, r.assignments().size());
    assertEquals(Map.of("GROUP_BY(rack)", 4), r.reports().get("/g").rejected());
    // relaxed (the app waited long enough): the offering racks take the rest
    PlacementResult relaxed = placement.place(c.request(new Demand(a, 6, true)));
    assertEquals(6, relaxed.assignments().size());
  }

  @Test
  void groupByWithACountWaitsForThatManyGroups() {
    AppSpec a = app("/g", 0.1, 16).addConstraints(c("zone", "GROUP_BY", "3")).build();
    PlacementResult r = placement.place(racks().request(new Demand(a, 6)));
    assertEquals(2, r.assignments().size(), "two zones exist, three are expected: one instance per zone, then wait");
  }

  @Test
  void constraintOnAMissingAttributeTurnsTheAgentDown() {
    Fixtures.Cluster c = new Fixtures.Cluster().agent("a0", 4, 4096, "rack=r0").agent("a1", 4, 4096);
    AppSpec a = app("/u", 0.1, 16).addConstraints(c("rack", "UNIQUE")).build();
    PlacementResult r = placement.place(c.request(new Demand(a, 2)));
    assertEquals(Map.of("a0", 1), perAgent(r, "/u"));
    assertEquals(Map.of("UNIQUE(rack)", 2), r.reports().get("/u").rejected());
  }

  @Test
  void taskRulesPlaceNextToOrAwayFromLabelledTasks() {
    Fixtures.Cluster c = racks().running("/db", "a3", Map.of("tier", "database")).running("/batch", "a0", Map.of("tier", "batch"));
    AppSpec near = app("/cache", 0.1, 16).addConstraints(c("task:tier", "LIKE", "data.*")).build();
    AppSpec away = app("/web", 0.1, 16).addConstraints(c("task:tier", "UNLIKE", "batch|database")).build();
    PlacementResult r = placement.place(c.request(new Demand(near, 2), new Demand(away, 4)));
    assertEquals(Map.of("a3", 2), perAgent(r, "/cache"));
    assertEquals(Map.of("LIKE(task:tier:data.*)", 5), r.reports().get("/cache").rejected());
    assertEquals(Map.of("a1", 1, "a2", 1, "a4", 1, "a5", 1), perAgent(r, "/web"));
  }

  @Test
  void taskRulesSeeTasksPlacedEarlierInTheSameCycle() {
    AppSpec db = app("/db", 0.1, 16).putLabels("tier", "database").addConstraints(c("hostname", "CLUSTER", "host-a4")).build();
    AppSpec near = app("/cache", 0.1, 16).addConstraints(c("task:tier", "LIKE", "database")).build();
    PlacementResult r = placement.place(racks().request(new Demand(db, 1), new Demand(near, 1)));
    assertEquals(Map.of("a4", 1), perAgent(r, "/cache"));
  }

  @Test
  void invalidConstraintsAreReportedByNameAndOtherAppsStillPlace() {
    AppSpec bad = app("/bad", 0.1, 16).addConstraints(c("hostname", "UNIQUE")).addConstraints(c("hostname", "LIKE", "(")).build();
    AppSpec badOp = app("/bad-op", 0.1, 16).addConstraints(c("rack", "SOMETIMES")).build();
    AppSpec badMax = app("/bad-max", 0.1, 16).addConstraints(c("rack", "MAX_PER", "zero")).build();
    AppSpec badTask = app("/bad-task", 0.1, 16).addConstraints(c("task:tier", "UNIQUE")).build();
    AppSpec good = app("/good", 0.1, 16).build();
    PlacementResult r = placement.place(racks().request(new Demand(bad, 1), new Demand(badOp, 1), new Demand(badMax, 1),
        new Demand(badTask, 1), new Demand(good, 1)));
    assertEquals(1, r.assignments().size());
    assertEquals("/good", r.assignments().get(0).appId());
    String e = r.reports().get("/bad").error();
    assertTrue(e.startsWith("constraints[1] [\"hostname\", \"LIKE\", \"(\"]: LIKE value is not a valid regular expression"), e);
    assertTrue(r.reports().get("/bad-op").error().startsWith("constraints[0] [\"rack\", \"SOMETIMES\"]: unknown operator"));
    assertTrue(r.reports().get("/bad-max").error().contains("MAX_PER value must be a positive integer"));
    assertTrue(r.reports().get("/bad-task").error().contains("task:tier"));
    assertEquals(0, r.reports().get("/bad").placed());
    assertTrue(r.reports().get("/bad").summary().contains("constraints[1]"));
  }

  @Test
  void unknownStrategyIsAnErrorNamingTheLabel() {
    AppSpec a = app("/s", 0.1, 16).putLabels("upone.placement", "random").build();
    PlacementReport rep = placement.place(racks().request(new Demand(a, 1))).reports().get("/s");
    assertEquals("label upone.placement: unknown strategy 'random'; use one of binpack, spread", rep.error());
  }
}
