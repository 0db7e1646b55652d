package io.upone.placement;

import static io.upone.placement.Fixtures.app;
import static io.upone.placement.Fixtures.perAgent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.driver.Offer;
import io.upone.core.driver.PortRange;
import io.upone.core.driver.Resources;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.NetworkMode;
import io.upone.core.proto.PortMapping;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Resources, ports, strategies, rankers and the report, by example. */
class RankingAndResourcesTest {
  private final Placement placement = new Placement();

  private static Fixtures.Cluster three() {
    return new Fixtures.Cluster().agent("a0", 4, 4096).agent("a1", 4, 4096).agent("a2", 4, 4096);
  }

  @Test
  void resourcesAreNotOverCommittedAndTheReportNamesTheScarceOne() {
    Fixtures.Cluster c = new Fixtures.Cluster().agent("a0", 4, 1024).agent("a1", 1, 8192);
    AppSpec a = app("/r", 1, 512).build();
    PlacementResult r = placement.place(c.request(new Demand(a, 10)));
    assertEquals(Map.of("a0", 2, "a1", 1), perAgent(r, "/r"));
    assertEquals(Map.of("cpus", 1, "mem", 1), r.reports().get("/r").rejected());
    assertEquals("placed 3 of 10 (2 offers); rejected: 1 agent by cpus, 1 by mem", r.reports().get("/r").summary());
  }

  @Test
  void diskCounts() {
    Fixtures.Cluster c = new Fixtures.Cluster().agent("a0", 4, 4096);
    AppSpec a = app("/d", 0.1, 16).setDisk(4000).build();
    PlacementResult r = placement.place(c.request(new Demand(a, 5)));
    assertEquals(2, r.assignments().size(), "10,000 MiB of disk fit two 4,000 MiB instances");
    assertEquals(Map.of("disk", 1), r.reports().get("/d").rejected());
  }

  @Test
  void dynamicPortsComeFromTheRangesAndAreNeverTakenTwice() {
    Offer o = new Offer("o1", "a0", "h0", Map.of(), new Resources(8, 8192, 1000,
        List.of(new PortRange(31000, 31002), new PortRange(32000, 32001))), Set.of(31001), 0);
    AppSpec a = Fixtures.dynamicPorts(app("/p", 0.1, 16).setInstances(3), 2).putLabels("upone.placement", "binpack").build();
    PlacementResult r = placement.place(new PlacementRequest(List.of(new Demand(a, 3)), List.of(o), Map.of(), List.of()));
    assertEquals(2, r.assignments().size());
    assertEquals(List.of(31000, 31002), r.assignments().get(0).hostPorts());
    assertEquals(List.of(32000, 32001), r.assignments().get(1).hostPorts());
    assertEquals(Map.of("ports", 1), r.reports().get("/p").rejected());
  }

  @Test
  void fixedPortsMustBeOfferedAndFree() {
    Fixtures.Cluster c = new Fixtures.Cluster().agent("a0", 8, 8192).agent("a1", 8, 8192, List.of(new PortRange(40000, 40010)), 0, true);
    AppSpec a = Fixtures.fixedPorts(app("/f", 0.1, 16), 31005).putLabels("upone.placement", "binpack").build();
    PlacementResult r = placement.place(c.request(new Demand(a, 3)));
    assertEquals(Map.of("a0", 1), perAgent(r, "/f"), "one per agent (the port is then taken); a1 does not offer 31005");
    assertEquals(List.of(31005), r.assignments().get(0).hostPorts());
    assertEquals(Map.of("ports", 2), r.reports().get("/f").rejected());
  }

  @Test
  void bridgeHostPortsMixFixedAndDynamic() {
    Fixtures.Cluster c = new Fixtures.Cluster().agent("a0", 8, 8192);
    AppSpec a = app("/b", 0.1, 16).setNetworkMode(NetworkMode.BRIDGE)
        .setContainer(io.upone.core.proto.Container.newBuilder().setImage("nginx")
            .addPortMappings(PortMapping.newBuilder().setContainerPort(80).setHostPort(0))
            .addPortMappings(PortMapping.newBuilder().setContainerPort(443).setHostPort(31000))).build();
    PlacementResult r = placement.place(c.request(new Demand(a, 1)));
    assertEquals(List.of(31001, 31000), r.assignments().get(0).hostPorts(), "the dynamic port skips the fixed one");
  }

  @Test
  void spreadFillsAgentsEvenlyAndBinpackFillsOneFirst() {
    AppSpec spread = app("/s", 1, 512).build();
    AppSpec pack = app("/p", 1, 512).putLabels("upone.placement", "binpack").build();
    assertEquals(Map.of("a0", 2, "a1", 2, "a2", 2), perAgent(placement.place(three().request(new Demand(spread, 6))), "/s"));
    assertEquals(Map.of("a0", 4, "a1", 2), perAgent(placement.place(three().request(new Demand(pack, 6))), "/p"));
  }

  @Test
  void spreadCountsInstancesAlreadyRunning() {
    Fixtures.Cluster c = three().running("/s", "a0", Map.of()).running("/s", "a0", Map.of()).running("/s", "a1", Map.of());
    AppSpec spread = app("/s", 0.1, 16).build();
    PlacementResult r = placement.place(c.request(new Demand(spread, 3)));
    assertEquals(Map.of("a1", 1, "a2", 2), perAgent(r, "/s"));
  }

  @Test
  void spreadShareCountsAgentsThatDoNotOffer() {
    // 4 agents known, 2 offering: each offering agent takes its share (1 of 4 instances), not 2
    Fixtures.Cluster c = new Fixtures.Cluster();
    for (int i = 0; i < 4; i++) c.agent("a" + i, 8, 8192, List.of(), 0, i < 2);
    PlacementResult r = placement.place(c.request(new Demand(app("/s", 0.1, 16).build(), 4)));
    assertEquals(Map.of("a0", 1, "a1", 1), perAgent(r, "/s"));
    assertEquals(Map.of("spread", 2), r.reports().get("/s").rejected());
  }

  @Test
  void lessLoadedAgentsWinTies() {
    Fixtures.Cluster c = new Fixtures.Cluster().agent("a0", 4, 4096, List.of(), 0.9, true).agent("a1", 4, 4096, List.of(), 0.1, true);
    PlacementResult r = placement.place(c.request(new Demand(app("/l", 0.1, 16).build(), 1)));
    assertEquals("a1", r.assignments().get(0).agentId());
  }

  @Test
  void weightsByAgentIdOrAttribute() {
    Fixtures.Cluster c = new Fixtures.Cluster().agent("a0", 4, 4096, "weight=1").agent("a1", 4, 4096, "weight=5");
    AppSpec a = app("/w", 0.1, 16).build();
    Placement byAttr = new Placement(PlacementConfig.defaults().withAgentWeights(Map.of(), "weight"));
    assertEquals("a1", byAttr.place(c.request(new Demand(a, 1))).assignments().get(0).agentId());
    Placement byId = new Placement(PlacementConfig.defaults().withAgentWeights(Map.of("a0", 9.0), "weight"));
    assertEquals("a0", byId.place(c.request(new Demand(a, 1))).assignments().get(0).agentId());
  }

  @Test
  void aNewStrategyPlugsInThroughConfig() {
    // "lightest-first": only the agent weight counts, and instances may pile up
    Ranker inverseWeight = new Ranker() {
      @Override
      public String name() {
        return "inverse-weight";
      }

      @Override
      public double score(OfferSlot slot, AppPlan plan) {
        return 1 / (1 + slot.weight());
      }
    };
    PlacementConfig cfg = PlacementConfig.defaults().withAgentWeights(Map.of("a0", 3.0, "a1", 1.0, "a2", 2.0), "")
        .withStrategy(PlacementStrategy.of("lightest-first", false, List.of(new PlacementStrategy.Weighted(inverseWeight, 1))));
    AppSpec a = app("/x", 1, 16).putLabels("upone.placement", "lightest-first").build();
    PlacementResult r = new Placement(cfg).place(three().request(new Demand(a, 5)));
    assertEquals(Map.of("a1", 4, "a2", 1), perAgent(r, "/x"));
    // the default strategy applies to apps without the label
    PlacementResult packed = new Placement(PlacementConfig.defaults().withDefaultStrategy("binpack"))
        .place(three().request(new Demand(app("/y", 1, 16).build(), 2)));
    assertEquals(Map.of("a0", 2), perAgent(packed, "/y"));
  }

  @Test
  void manyAppsShareOffersInOneCycle() {
    AppSpec a = app("/a", 2, 1024).build();
    AppSpec b = app("/b", 2, 1024).build();
    PlacementResult r = placement.place(three().request(new Demand(a, 3), new Demand(b, 6)));
    assertEquals(3, perAgent(r, "/a").values().stream().mapToInt(Integer::intValue).sum());
    assertEquals(3, perAgent(r, "/b").values().stream().mapToInt(Integer::intValue).sum(), "12 cpus in all: /a took 6");
    assertEquals(3, r.reports().get("/b").placed());
  }

  @Test
  void badRequestsAndConfigsAreNamed() {
    AppSpec a = app("/a", 1, 16).build();
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
        () -> placement.place(three().request(new Demand(a, 1), new Demand(a, 2))));
    assertTrue(dup.getMessage().contains("/a appears more than once"));
    IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> new Demand(a, -1));
    assertTrue(neg.getMessage().contains("count"));
    IllegalArgumentException cfg = assertThrows(IllegalArgumentException.class, () -> PlacementConfig.defaults().withDefaultStrategy("fast"));
    assertTrue(cfg.getMessage().contains("defaultStrategy 'fast'"));
  }

  @Test
  void reportsSerialiseToPlainJson() throws Exception {
    AppSpec a = app("/r", 4, 512).build();
    PlacementReport rep = placement.place(three().request(new Demand(a, 5))).reports().get("/r");
    String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(rep);
    assertEquals("{\"appId\":\"/r\",\"requested\":5,\"placed\":3,\"offersConsidered\":3,\"rejected\":{\"cpus\":3},"
        + "\"summary\":\"placed 3 of 5 (3 offers); rejected: 3 agents by cpus\",\"error\":\"\"}", json);
  }

  @Test
  void placeLeavesTheRequestAsItWas() {
    Fixtures.Cluster c = three();
    PlacementRequest req = c.request(new Demand(app("/a", 1, 16).build(), 5));
    PlacementResult first = placement.place(req);
    assertEquals(4.0, req.offers().get(0).resources().cpus());
    assertEquals(first, placement.place(req));
  }
}
