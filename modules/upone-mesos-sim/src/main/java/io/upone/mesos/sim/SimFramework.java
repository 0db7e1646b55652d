package io.upone.mesos.sim;

import io.upone.mesos.MesosCodec;
import io.vertx.core.http.HttpServerResponse;
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
  /** When it last subscribed (the state endpoint's registered/reregistered time). */
  long subscribedAtMs;
  final Map<String, SimOffer> offers = new LinkedHashMap<>();
  final Map<String, Filter> filters = new HashMap<>();
  final Map<String, SimTask> tasks = new LinkedHashMap<>();
  /** Tasks on unreachable agents: answered TASK_UNREACHABLE, back when their agent returns. */
  final Map<String, SimTask> unreachable = new LinkedHashMap<>();

  SimFramework(String id, Protos.FrameworkInfo info) {
    this.id = id;
    this.info = info;
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
