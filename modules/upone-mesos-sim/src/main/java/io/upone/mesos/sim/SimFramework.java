package io.upone.mesos.sim;

import io.upone.mesos.MesosCodec;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.mesos.v1.Protos;

/** A framework as the simulated master knows it: its subscription, offers, filters and tasks. */
final class SimFramework {
  final String id;
  Protos.FrameworkInfo info;
  String streamId;
  HttpServerResponse stream;
  MesosCodec codec;
  boolean connected;
  boolean suppressed;
  long failoverTimer = -1;
  /** When it first subscribed, when it last did, when it was removed (0: not yet). */
  final long registeredAtMs = System.currentTimeMillis();
  long subscribedAtMs = registeredAtMs;
  long removedAtMs;
  final Map<String, SimOffer> offers = new LinkedHashMap<>();
  final Map<String, Filter> filters = new HashMap<>();
  final Map<String, SimTask> tasks = new LinkedHashMap<>();
  /** Tasks on unreachable agents: answered TASK_UNREACHABLE, back when their agent returns. */
  final Map<String, SimTask> unreachable = new LinkedHashMap<>();
  /** Tasks that ended and that the master forgot, the latest {@link #MAX_COMPLETED_TASKS} (as Mesos keeps them). */
  final ArrayDeque<SimTask> completedTasks = new ArrayDeque<>();
  /** Mesos's default {@code --max_completed_tasks_per_framework}. */
  static final int MAX_COMPLETED_TASKS = 1000;

  SimFramework(String id, Protos.FrameworkInfo info) {
    this.id = id;
    this.info = info;
  }

  void complete(SimTask t) {
    completedTasks.addLast(t);
    if (completedTasks.size() > MAX_COMPLETED_TASKS) completedTasks.removeFirst();
  }

  /** The role its resources are allocated to: the first of {@code roles}, else {@code role}, else "*". */
  String role() {
    return info.getRolesCount() > 0 ? info.getRoles(0) : info.hasRole() ? info.getRole() : "*";
  }

  boolean partitionAware() {
    return has(Protos.FrameworkInfo.Capability.Type.PARTITION_AWARE);
  }

  boolean has(Protos.FrameworkInfo.Capability.Type t) {
    return info.getCapabilitiesList().stream().anyMatch(c -> c.getType() == t);
  }

  /** Resources of an agent this framework refused until {@code untilMs}; larger offers pass. */
  record Filter(long untilMs, double cpus, double mem, double disk) {
    boolean refuses(double c, double m, double d, long now) {
      return now < untilMs && c <= cpus + 1e-6 && m <= mem + 1e-6 && d <= disk + 1e-6;
    }
  }

  record SimOffer(String id, String agentId, double cpus, double mem, double disk, Protos.Value.Ranges ports,
                  long madeAtMs) {}
}
