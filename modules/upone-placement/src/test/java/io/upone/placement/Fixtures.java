package io.upone.placement;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.driver.PortRange;
import io.upone.core.driver.Resources;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Constraint;
import io.upone.core.proto.PortDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Small builders for apps, agents and requests in placement tests. */
final class Fixtures {
  private Fixtures() {}

  static AppSpec.Builder app(String id, double cpus, double mem) {
    return AppSpec.newBuilder().setId(id).setCmd("sleep 1000").setCpus(cpus).setMem(mem).setInstances(1);
  }

  static Constraint c(String field, String op, String value) {
    return Constraint.newBuilder().setField(field).setOperator(op).setValue(value).build();
  }

  static Constraint c(String field, String op) {
    return c(field, op, "");
  }

  static AppSpec.Builder dynamicPorts(AppSpec.Builder b, int n) {
    for (int i = 0; i < n; i++) b.addPortDefinitions(PortDefinition.newBuilder().setPort(0));
    return b;
  }

  static AppSpec.Builder fixedPorts(AppSpec.Builder b, int... ports) {
    b.setRequirePorts(true);
    for (int p : ports) b.addPortDefinitions(PortDefinition.newBuilder().setPort(p));
    return b;
  }

  /** A cluster under construction: agents (each offering once unless told otherwise) and running tasks. */
  static final class Cluster {
    final Map<String, ClusterDriver.Agent> agents = new LinkedHashMap<>();
    final List<Offer> offers = new ArrayList<>();
    final List<Placed> existing = new ArrayList<>();

    /** An agent "a<i>" on host "h<i>" with attributes given as k=v pairs. */
    Cluster agent(String id, double cpus, double mem, String... attrs) {
      return agent(id, cpus, mem, List.of(new PortRange(31000, 31009)), 0, true, attrs);
    }

    Cluster agent(String id, double cpus, double mem, List<PortRange> ports, double load, boolean offering, String... attrs) {
      Map<String, String> a = new HashMap<>();
      for (String kv : attrs) {
        int eq = kv.indexOf('=');
        a.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      String host = "host-" + id;
      agents.put(id, new ClusterDriver.Agent(id, host, a));
      if (offering) offers.add(new Offer("o-" + id, id, host, a, new Resources(cpus, mem, 10_000, ports), Set.of(), load));
      return this;
    }

    Cluster running(String appId, String agentId, Map<String, String> labels) {
      existing.add(new Placed(appId + "." + existing.size(), appId, agentId, labels));
      return this;
    }

    PlacementRequest request(Demand... demands) {
      return new PlacementRequest(List.of(demands), offers, agents, existing);
    }
  }

  static Map<String, Integer> perAgent(PlacementResult r, String appId) {
    Map<String, Integer> m = new java.util.TreeMap<>();
    for (Assignment a : r.assignments()) if (a.appId().equals(appId)) m.merge(a.agentId(), 1, Integer::sum);
    return m;
  }
}
