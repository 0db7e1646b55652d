package io.upone.lb;

import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Deployment;
import io.upone.core.proto.DeploymentKind;
import io.upone.core.proto.DeploymentPhase;
import io.upone.core.proto.TaskState;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import io.upone.core.zone.Publication;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the load balancers should serve, derived from the projection and nothing else: for every
 * app published in a zone, its tasks that are RUNNING, healthy (or have no health check) and not
 * being drained, as IP:port with the app's weight. Pure given the resolver.
 */
public final class Upstreams {
  private Upstreams() {}

  /** One upstream of one zone. */
  public record Key(String zone, String upstream) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = zone.compareTo(o.zone);
      return c != 0 ? c : upstream.compareTo(o.upstream);
    }

    @Override
    public String toString() {
      return zone + "/" + upstream;
    }
  }

  /** Every upstream of every zone that exists, servers sorted by address. */
  public static Map<Key, List<Server>> from(State s, HostResolver resolver, Set<String> draining) {
    Map<Key, List<Server>> out = new TreeMap<>();
    for (AppSpec app : s.apps()) out.putAll(ofApp(s, app, resolver, draining));
    return out;
  }

  /** One app's upstreams: the same server list under each zone it is published in. */
  public static Map<Key, List<Server>> ofApp(State s, AppSpec app, HostResolver resolver, Set<String> draining) {
    List<String> zones = Publication.zones(app);
    if (zones.isEmpty()) return Map.of();
    List<Server> servers = servers(s, app, resolver, draining);
    Map<Key, List<Server>> out = new TreeMap<>();
    for (String z : zones) {
      if (s.zone(z).isPresent()) out.put(new Key(z, app.getLoadBalancer().getUpstream()), servers);
    }
    return out;
  }

  static List<Server> servers(State s, AppSpec app, HostResolver resolver, Set<String> draining) {
    int portIndex = app.getLoadBalancer().getPortIndex();
    int weight = Publication.weight(app);
    List<Server> out = new ArrayList<>();
    Boolean side = blueGreenSide(s, app);
    for (Task t : s.tasksOf(app.getId())) {
      if (!serves(app, t) || draining.contains(t.id())) continue;
      if (side != null && s.currentConfig(t) != side) continue;
      int[] ports = t.hostPorts();
      if (portIndex >= ports.length || ports[portIndex] == 0) continue;
      Optional<String> ip = resolver.ip(t.hostname());
      // a host that does not resolve cannot be routed to; it is left out rather than pushed as a name
      ip.ifPresent(h -> out.add(new Server(h, ports[portIndex], weight, t.id())));
    }
    out.sort(Comparator.comparing(Server::host).thenComparingInt(Server::port));
    return List.copyOf(out);
  }

  /**
   * Whether a task takes traffic: RUNNING, healthy when the app has health checks (a task whose
   * checks have not reported yet is not served), and ready when it has readiness checks. A job
   * run's task never is.
   */
  public static boolean serves(AppSpec app, Task t) {
    if (t.state() != TaskState.TASK_RUNNING || !t.runId().isEmpty()) return false;
    if (app.getReadinessChecksCount() > 0 && !t.ready()) return false;
    if (app.getHealthChecksCount() == 0) return true;
    return Boolean.TRUE.equals(t.healthy());
  }

  /**
   * During a blue-green deployment only one side is served: the old (blue) tasks until the
   * deployment is switching, then only the new (green) ones, so the switch is one change of the
   * upstream rather than a mix of both versions. Null: no such deployment, every task may serve.
   * A blue-green deployment with no old task serving (a first start) serves the new side.
   */
  static Boolean blueGreenSide(State s, AppSpec app) {
    Deployment d = s.deployment(app.getId()).orElse(null);
    if (d == null || d.getStarted().getKind() != DeploymentKind.BLUE_GREEN) return null;
    if (d.getPhase() == DeploymentPhase.SWITCHING || d.getPhase() == DeploymentPhase.SWITCHED) return Boolean.TRUE;
    for (Task t : s.tasksOf(app.getId())) {
      if (!s.currentConfig(t) && serves(app, t)) return Boolean.FALSE;
    }
    return Boolean.TRUE;
  }
}
