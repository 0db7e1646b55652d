package io.upone.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.driver.PortRange;
import io.upone.core.driver.Resources;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Container;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExecutorFilterTest {
  final Map<String, ClusterDriver.Agent> agents = new LinkedHashMap<>();
  final List<Offer> offers = new ArrayList<>();

  void agent(String id, Set<String> executors) {
    agents.put(id, new ClusterDriver.Agent(id, "host-" + id, Map.of(), executors));
    offers.add(new Offer("o-" + id, id, "host-" + id, Map.of(), new Resources(4, 4096, 10_000,
        List.of(new PortRange(31000, 31009))), Set.of(), 0, executors));
  }

  static AppSpec image(String id, int instances) {
    return Fixtures.app(id, 0.1, 32).clearCmd().setInstances(instances)
        .setContainer(Container.newBuilder().setType(Container.Type.DOCKER).setImage("local/busybox:1")).build();
  }

  PlacementResult place(AppSpec app, int count) {
    return new Placement().place(new PlacementRequest(List.of(new Demand(app, count)), offers, agents, List.of()));
  }

  @Test
  void anImageAppIsPendingWhereNoAgentRunsDocker() {
    agent("a1", Set.of("process"));
    agent("a2", Set.of("process"));
    PlacementResult r = place(image("/img", 1), 1);
    assertEquals(0, r.assignments().size());
    PlacementReport report = r.reports().get("/img");
    assertEquals(Map.of("executor(docker)", 2), report.rejected());
    assertEquals("placed 0 of 1 (2 offers); rejected: 2 agents by executor(docker)", report.summary());
  }

  @Test
  void imagesGoToDockerAgentsAndSpreadOverThemOnly() {
    agent("a1", Set.of("process"));
    agent("a2", Set.of("process", "docker"));
    agent("a3", Set.of("docker", "process"));
    PlacementResult r = place(image("/img", 4), 4);
    assertEquals(Map.of("a2", 2, "a3", 2), Fixtures.perAgent(r, "/img"));
    assertEquals(Map.of("executor(docker)", 1), r.reports().get("/img").rejected());
    // processes still go anywhere
    PlacementResult p = place(Fixtures.app("/proc", 0.1, 32).setInstances(3).build(), 3);
    assertEquals(3, p.assignments().size());
  }

  @Test
  void agentsThatDoNotSayWhatTheyRunAreNotTurnedDown() {
    agent("m1", Set.of()); // Mesos: its containerizer decides
    assertEquals(1, place(image("/img", 1), 1).assignments().size());
  }
}
