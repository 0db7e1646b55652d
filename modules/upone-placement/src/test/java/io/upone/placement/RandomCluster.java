package io.upone.placement;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.driver.PortRange;
import io.upone.core.driver.Resources;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Constraint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Random clusters and app specs for property tests; everything comes from the seed. */
final class RandomCluster {
  private RandomCluster() {}

  static final String[] TEAMS = {"db", "web", "batch", "cache"};

  /**
   * @param roomy every known agent offers, with room for everything, and no task runs yet: spreads
   *              must then come out exact
   */
  static PlacementRequest generate(Random rnd, boolean roomy) {
    int agents = 1 + rnd.nextInt(30);
    int racks = 1 + rnd.nextInt(5);
    int zones = 1 + rnd.nextInt(3);
    Map<String, ClusterDriver.Agent> known = new LinkedHashMap<>();
    List<Offer> offers = new ArrayList<>();
    for (int i = 0; i < agents; i++) {
      String id = "agent-" + i;
      Map<String, String> attrs = new HashMap<>();
      if (roomy || rnd.nextInt(10) > 0) attrs.put("rack", "r" + rnd.nextInt(racks));
      attrs.put("zone", "z" + rnd.nextInt(zones));
      if (rnd.nextBoolean()) attrs.put("disk", rnd.nextBoolean() ? "ssd" : "hdd");
      String host = "node" + i + ".dc";
      known.put(id, new ClusterDriver.Agent(id, host, attrs));
      if (!roomy && rnd.nextInt(5) == 0) continue; // known, not offering
      int offersHere = roomy || rnd.nextInt(6) > 0 ? 1 : 2; // Mesos may send two offers for one agent
      for (int k = 0; k < offersHere; k++) {
        double cpus = roomy ? 1000 : rnd.nextInt(17) / 2.0;
        double mem = roomy ? 1e6 : 256 * rnd.nextInt(33);
        double disk = roomy ? 1e6 : 1000 * rnd.nextInt(11);
        int base = 31000 + k * 1000; // two offers of one agent never share a port
        List<PortRange> ranges = new ArrayList<>();
        if (roomy || rnd.nextInt(4) > 0) ranges.add(new PortRange(base, base + (roomy ? 500 : rnd.nextInt(12))));
        if (!roomy && rnd.nextBoolean()) ranges.add(new PortRange(base + 100, base + 100 + rnd.nextInt(4)));
        Set<Integer> used = new HashSet<>();
        if (!roomy) for (int u = rnd.nextInt(4); u > 0; u--) used.add(base + rnd.nextInt(12));
        offers.add(new Offer("offer-" + i + "-" + k, id, host, attrs, new Resources(cpus, mem, disk, ranges), used,
            rnd.nextInt(5) / 4.0));
      }
    }
    int apps = 1 + rnd.nextInt(6);
    List<Demand> demands = new ArrayList<>();
    List<Placed> existing = new ArrayList<>();
    for (int a = 0; a < apps; a++) {
      AppSpec app = app(rnd, "/app-" + a, roomy);
      demands.add(new Demand(app, rnd.nextInt(25), !roomy && rnd.nextInt(6) == 0));
      if (!roomy) {
        for (int t = rnd.nextInt(4); t > 0; t--) {
          String agent = "agent-" + rnd.nextInt(agents);
          existing.add(new Placed(app.getId() + ".t" + t, app.getId(), agent, app.getLabelsMap()));
        }
      }
    }
    return new PlacementRequest(demands, offers, known, existing);
  }

  private static AppSpec app(Random rnd, String id, boolean roomy) {
    AppSpec.Builder b = AppSpec.newBuilder().setId(id).setCmd("run").setCpus(0.25 + rnd.nextInt(8) / 4.0)
        .setMem(64 + 64 * rnd.nextInt(16)).setDisk(rnd.nextInt(3) * 500);
    b.putLabels("team", TEAMS[rnd.nextInt(TEAMS.length)]);
    if (rnd.nextBoolean()) b.putLabels("upone.placement", rnd.nextBoolean() ? "spread" : "binpack");
    int ports = rnd.nextInt(3);
    boolean fixed = !roomy && rnd.nextInt(4) == 0;
    b.setRequirePorts(fixed);
    for (int p = 0; p < ports; p++) {
      b.addPortDefinitions(io.upone.core.proto.PortDefinition.newBuilder().setPort(fixed ? 31000 + p * 3 + rnd.nextInt(3) : 0));
    }
    if (fixed && b.getPortDefinitionsCount() == 2 && b.getPortDefinitions(0).getPort() == b.getPortDefinitions(1).getPort()) {
      b.removePortDefinitions(1);
    }
    for (int c = rnd.nextInt(roomy ? 2 : 4); c > 0; c--) b.addConstraints(constraint(rnd, roomy));
    return b.build();
  }

  private static Constraint constraint(Random rnd, boolean roomy) {
    String field = rnd.nextBoolean() ? "hostname" : rnd.nextBoolean() ? "rack" : "zone";
    Constraint.Builder c = Constraint.newBuilder().setField(field);
    if (roomy) return c.setOperator("GROUP_BY").build(); // roomy runs check spreads exactly
    switch (rnd.nextInt(9)) {
      case 0 -> c.setOperator("UNIQUE");
      case 1 -> c.setOperator("MAX_PER").setValue(String.valueOf(1 + rnd.nextInt(3)));
      case 2 -> c.setOperator("GROUP_BY").setValue(rnd.nextBoolean() ? "" : String.valueOf(1 + rnd.nextInt(3)));
      case 3 -> c.setOperator("CLUSTER").setValue(field.equals("hostname") ? "node" + rnd.nextInt(5) + ".dc" : field.charAt(0) + "" + rnd.nextInt(3));
      case 4 -> c.setOperator("LIKE").setValue(field.equals("hostname") ? "node[0-9]\\.dc" : "[rz][01]");
      case 5 -> c.setOperator("UNLIKE").setValue(field.equals("hostname") ? "node1.*" : "[rz]0");
      case 6 -> c.setOperator("IS").setValue(field.equals("hostname") ? "node2.dc" : field.charAt(0) + "1");
      case 7 -> c.setField("task:team").setOperator("LIKE").setValue(TEAMS[rnd.nextInt(TEAMS.length)]);
      default -> c.setField("task:team").setOperator("UNLIKE").setValue(TEAMS[rnd.nextInt(TEAMS.length)] + "|x");
    }
    return c.build();
  }
}
