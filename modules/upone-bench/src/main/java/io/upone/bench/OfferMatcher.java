package io.upone.bench;

import io.upone.core.AppValidator;
import io.upone.core.driver.Offer;
import io.upone.core.driver.PortRange;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Constraint;
import io.upone.core.proto.NetworkMode;
import io.upone.core.proto.PortDefinition;
import io.upone.core.proto.PortMapping;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The scheduler's first matcher, kept only as the baseline of {@link PlacementBench}: the
 * server places through the {@code upone-placement} pipeline now.
 *
 * <p>First placement: fits apps' pending instances into one offer — resources, host ports from the
 * offered ranges (never twice), Marathon constraints on hostname or agent attributes, and an even
 * spread (no agent gets more than its share of an app). The full filter/ranker pipeline with
 * reports is the placement module's job; this is the minimum a scheduler must honour.
 */
final class OfferMatcher {
  private OfferMatcher() {}

  /** @param relaxSpread the app has waited long enough: fill any agent, spread or not */
  public record Demand(AppSpec app, int count, boolean relaxSpread) {}

  /** What placement knows of every agent: for constraints on tasks elsewhere and for the spread share. */
  public record AgentView(String agentId, String hostname, Map<String, String> attributes) {}

  public record Placement(AppSpec app, List<Integer> hostPorts) {}

  public static List<Placement> match(Offer offer, List<Demand> demands, State state, Map<String, AgentView> agents) {
    Function<String, Map<String, String>> agentAttributes = id -> {
      AgentView v = agents.get(id);
      return v == null ? Map.of() : v.attributes();
    };
    double cpus = offer.resources().cpus();
    double mem = offer.resources().mem();
    double disk = offer.resources().disk();
    Set<Integer> usedPorts = new HashSet<>(offer.usedPorts());
    List<Placement> out = new ArrayList<>();
    for (Demand d : demands) {
      AppSpec app = d.app();
      Map<String, Integer> placedHere = new HashMap<>();
      int onThisAgent = (int) state.tasksOf(app.getId()).stream().filter(t -> t.agentId().equals(offer.agentId())).count();
      long feasible = agents.values().stream().filter(a -> staticFit(app, a.hostname(), a.attributes())).count();
      int share = d.relaxSpread() ? Integer.MAX_VALUE : (int) Math.ceil(app.getInstances() / (double) Math.max(1, feasible));
      for (int i = 0; i < d.count(); i++) {
        if (onThisAgent >= share) break;
        if (app.getCpus() > cpus + 1e-9 || app.getMem() > mem + 1e-9 || app.getDisk() > disk + 1e-9) break;
        if (!constraintsAllow(app, offer, state, agentAttributes, placedHere)) break;
        List<Integer> ports = ports(app, offer.resources().ports(), usedPorts);
        if (ports == null) break;
        cpus -= app.getCpus();
        mem -= app.getMem();
        disk -= app.getDisk();
        usedPorts.addAll(ports);
        onThisAgent++;
        placedHere.merge(app.getId(), 1, Integer::sum);
        out.add(new Placement(app, ports));
      }
    }
    return out;
  }

  private static String valueOf(String field, String hostname, Map<String, String> attributes) {
    return "hostname".equals(field) ? hostname : attributes.get(field);
  }

  /** Constraints that depend on the agent alone (not on where other tasks are). */
  static boolean staticFit(AppSpec app, String hostname, Map<String, String> attributes) {
    for (Constraint c : app.getConstraintsList()) {
      String v = valueOf(c.getField(), hostname, attributes);
      boolean ok = switch (c.getOperator()) {
        case "CLUSTER", "IS" -> c.getValue().equals(v);
        case "LIKE" -> v != null && Pattern.compile(c.getValue()).matcher(v).matches();
        case "UNLIKE" -> v == null || !Pattern.compile(c.getValue()).matcher(v).matches();
        default -> true;
      };
      if (!ok) return false;
    }
    return true;
  }

  static boolean constraintsAllow(AppSpec app, Offer offer, State state,
                                  Function<String, Map<String, String>> agentAttributes, Map<String, Integer> placedHere) {
    for (Constraint c : app.getConstraintsList()) {
      String here = valueOf(c.getField(), offer.hostname(), offer.attributes());
      switch (c.getOperator()) {
        case "UNIQUE", "MAX_PER" -> {
          int max = c.getOperator().equals("UNIQUE") ? 1 : Integer.parseInt(c.getValue());
          if (here == null) return false;
          int count = placedHere.getOrDefault(app.getId(), 0);
          for (Task t : state.tasksOf(app.getId())) {
            if (here.equals(valueOf(c.getField(), t.hostname(), agentAttributes.apply(t.agentId())))) count++;
          }
          if (count >= max) return false;
        }
        case "CLUSTER", "IS" -> {
          if (!c.getValue().equals(here)) return false;
        }
        case "LIKE" -> {
          if (here == null || !Pattern.compile(c.getValue()).matcher(here).matches()) return false;
        }
        case "UNLIKE" -> {
          if (here != null && Pattern.compile(c.getValue()).matcher(here).matches()) return false;
        }
        default -> {
          // GROUP_BY is a spreading preference, handled by the spread share
        }
      }
    }
    return true;
  }

  /** Host ports for one instance: fixed ones as asked, dynamic ones from the offered ranges. */
  static List<Integer> ports(AppSpec app, List<PortRange> ranges, Set<Integer> used) {
    List<Integer> wanted = new ArrayList<>();
    if (app.getNetworkMode() == NetworkMode.BRIDGE) {
      for (PortMapping m : app.getContainer().getPortMappingsList()) wanted.add(m.getHostPort());
    } else {
      for (PortDefinition p : app.getPortDefinitionsList()) wanted.add(app.getRequirePorts() ? p.getPort() : 0);
    }
    List<Integer> out = new ArrayList<>(AppValidator.portCount(app));
    Set<Integer> taken = new HashSet<>(used);
    for (int w : wanted) {
      if (w != 0) {
        if (taken.contains(w) || ranges.stream().noneMatch(r -> r.contains(w))) return null;
        taken.add(w);
        out.add(w);
        continue;
      }
      Integer pick = null;
      for (PortRange r : ranges) {
        for (int p = r.begin(); p <= r.end() && pick == null; p++) if (!taken.contains(p)) pick = p;
        if (pick != null) break;
      }
      if (pick == null) return null;
      taken.add(pick);
      out.add(pick);
    }
    return out;
  }
}
