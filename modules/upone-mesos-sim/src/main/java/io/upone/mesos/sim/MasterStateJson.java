package io.upone.mesos.sim;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.upone.mesos.sim.SimFramework.SimOffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos;

/**
 * {@code GET /master/state} (and {@code /state}) in the shape Mesos 1.11 writes it:
 * {@code Master::ReadOnlyHandler::state}, {@code FullFrameworkWriter} and {@code SlaveWriter} in
 * {@code src/master/readonly_handler.cpp}; tasks, statuses, offers, attributes, labels and
 * {@code leader_info} as {@code src/common/http.cpp} writes them. Fields of features the
 * simulator does not have are present and empty (reservations, executors of command tasks,
 * recovered agents), so a client that decodes the real endpoint decodes this one.
 */
final class MasterStateJson {
  private static final JsonFormat.Printer PROTO = JsonFormat.printer().preservingProtoFieldNames();
  static final JsonArray AGENT_CAPABILITIES = new JsonArray(List.of("HIERARCHICAL_ROLE", "MULTI_ROLE",
      "RESERVATION_REFINEMENT", "RESOURCE_PROVIDER", "RESIZE_VOLUME", "AGENT_OPERATION_FEEDBACK", "AGENT_DRAINING",
      "TASK_RESOURCE_LIMITS")); // src/slave/constants.cpp AGENT_CAPABILITIES()
  private final SimCluster cluster;

  MasterStateJson(SimCluster cluster) {
    this.cluster = cluster;
  }

  /** Seconds as Mesos prints times: a plain decimal (1606204800.123), never 1.6062048001E9. */
  static BigDecimal secs(long ms) {
    return BigDecimal.valueOf(ms, 3);
  }

  /** A double in plain decimal notation, as Mesos's JSON writer prints it. */
  static BigDecimal plain(double d) {
    BigDecimal b = BigDecimal.valueOf(d);
    return b.scale() < 1 ? b.setScale(1) : b;
  }

  JsonObject state() {
    int port = cluster.port;
    MasterInfo m = cluster.master;
    JsonObject s = new JsonObject().put("version", MasterInfo.VERSION)
        .put("build_date", "2020-11-24 08:00:00").put("build_time", plain(1606204800.0)).put("build_user", "upone-mesos-sim")
        .put("start_time", secs(cluster.startedAtMs)).put("elected_time", secs(cluster.startedAtMs))
        .put("id", cluster.masterId).put("pid", m.pid(port)).put("hostname", m.hostname)
        .put("capabilities", new JsonArray(List.of("AGENT_UPDATE", "AGENT_DRAINING", "QUOTA_V2")));
    long active = 0;
    long unreachable = 0;
    JsonArray slaves = new JsonArray();
    for (SimAgent a : cluster.agents.values()) {
      // unreachable and gone agents leave the registered ones (Master::Slaves)
      if (a.health == SimAgent.Health.UNREACHABLE) unreachable++;
      if (a.health != SimAgent.Health.ACTIVE) continue;
      active++;
      slaves.add(slave(a));
    }
    s.put("activated_slaves", (double) active).put("deactivated_slaves", 0.0).put("unreachable_slaves", (double) unreachable);
    // the leader is always this master here: a master that does not lead redirects /master/state
    s.put("leader", m.pid(port)).put("leader_info", new JsonObject().put("id", cluster.masterId).put("pid", m.pid(port))
        .put("port", port).put("hostname", m.hostname));
    s.put("flags", flags());
    s.put("slaves", slaves).put("recovered_slaves", new JsonArray());
    JsonArray frameworks = new JsonArray();
    for (SimFramework f : cluster.frameworks.values()) frameworks.add(framework(f));
    JsonArray completed = new JsonArray();
    for (SimFramework f : cluster.completedFrameworks.values()) completed.add(framework(f));
    return s.put("frameworks", frameworks).put("completed_frameworks", completed)
        .put("orphan_tasks", new JsonArray()).put("unregistered_frameworks", new JsonArray());
  }

  private JsonObject flags() {
    SimOptions o = cluster.options;
    JsonObject f = new JsonObject().put("allocation_interval", o.offerIntervalMs() + "ms")
        .put("authenticate_agents", "false").put("authenticate_frameworks", "false")
        .put("authenticate_http_frameworks", "false").put("hostname", cluster.master.hostname)
        .put("ip", cluster.master.ip).put("port", String.valueOf(cluster.port))
        .put("max_completed_frameworks", String.valueOf(SimCluster.MAX_COMPLETED_FRAMEWORKS))
        .put("max_completed_tasks_per_framework", String.valueOf(SimFramework.MAX_COMPLETED_TASKS))
        .put("version", "false");
    if (o.offerTimeoutMs() > 0) f.put("offer_timeout", o.offerTimeoutMs() + "ms");
    return f;
  }

  /** {@code SlaveWriter}: SlaveInfo, pid, times, resources, active, version, capabilities. */
  JsonObject slave(SimAgent a) {
    JsonObject total = ResourcesJson.of(a.cpus, a.mem, a.disk,
        Protos.Value.Ranges.newBuilder().addRange(Protos.Value.Range.newBuilder().setBegin(a.portBegin).setEnd(a.portEnd)).build());
    SimOffer offer = a.offeredAs == null ? null : cluster.offerIndex.get(a.offeredAs);
    return new JsonObject().put("id", a.id).put("hostname", a.hostname).put("port", a.port)
        .put("attributes", attributes(a.attributes)).put("pid", a.pid()).put("registered_time", secs(a.registeredAtMs))
        .put("resources", total)
        .put("used_resources", ResourcesJson.of(a.usedCpus, a.usedMem, a.usedDisk, a.usedPorts()))
        .put("offered_resources", offer == null ? ResourcesJson.of(0, 0, 0, null)
            : ResourcesJson.of(offer.cpus(), offer.mem(), offer.disk(), offer.ports()))
        .put("reserved_resources", new JsonObject()).put("unreserved_resources", total.copy())
        .put("active", a.health == SimAgent.Health.ACTIVE).put("version", MasterInfo.VERSION)
        .put("capabilities", AGENT_CAPABILITIES.copy());
  }

  /** Attributes as one object: text and sets as strings, scalars as numbers ({@code src/common/http.cpp}). */
  static JsonObject attributes(List<Protos.Attribute> attrs) {
    JsonObject o = new JsonObject();
    for (Protos.Attribute a : attrs) {
      switch (a.getType()) {
        case SCALAR -> o.put(a.getName(), a.getScalar().getValue());
        case RANGES -> o.put(a.getName(), ResourcesJson.ranges(a.getRanges()));
        case SET -> o.put(a.getName(), "{" + String.join(", ", a.getSet().getItemList()) + "}");
        default -> o.put(a.getName(), a.getText().getValue());
      }
    }
    return o;
  }

  /** {@code FullFrameworkWriter} over {@code Summary<Framework>}. */
  JsonObject framework(SimFramework f) {
    Protos.FrameworkInfo info = f.info;
    double[] used = new double[3];
    List<Integer> usedPorts = new ArrayList<>();
    for (SimTask t : f.tasks.values()) {
      if (t.released) continue;
      used[0] += t.cpus;
      used[1] += t.mem;
      used[2] += t.disk;
      usedPorts.addAll(t.ports);
    }
    double[] offered = new double[3];
    JsonArray offers = new JsonArray();
    for (SimOffer o : f.offers.values()) {
      offered[0] += o.cpus();
      offered[1] += o.mem();
      offered[2] += o.disk();
      offers.add(new JsonObject().put("id", o.id()).put("framework_id", f.id)
          .put("allocation_info", new JsonObject().put("role", f.role())).put("slave_id", o.agentId())
          .put("resources", ResourcesJson.of(o.cpus(), o.mem(), o.disk(), o.ports())));
    }
    JsonArray capabilities = new JsonArray();
    for (Protos.FrameworkInfo.Capability c : info.getCapabilitiesList()) capabilities.add(c.getType().name());
    boolean connected = f.connected && f.removedAtMs == 0;
    JsonObject j = new JsonObject().put("id", f.id).put("name", info.getName())
        .put("used_resources", ResourcesJson.of(used[0], used[1], used[2], ResourcesJson.ranges(usedPorts)))
        .put("offered_resources", ResourcesJson.of(offered[0], offered[1], offered[2], null))
        .put("capabilities", capabilities).put("hostname", info.getHostname()).put("webui_url", info.getWebuiUrl())
        .put("active", connected).put("connected", connected).put("recovered", false)
        .put("user", info.getUser()).put("failover_timeout", plain(info.getFailoverTimeout()))
        .put("checkpoint", info.getCheckpoint()).put("registered_time", secs(f.registeredAtMs))
        .put("unregistered_time", secs(f.removedAtMs));
    if (info.hasPrincipal()) j.put("principal", info.getPrincipal());
    j.put("resources", ResourcesJson.of(used[0] + offered[0], used[1] + offered[1], used[2] + offered[2],
        ResourcesJson.ranges(usedPorts)));
    if (f.subscribedAtMs != f.registeredAtMs) j.put("reregistered_time", secs(f.subscribedAtMs));
    if (f.has(Protos.FrameworkInfo.Capability.Type.MULTI_ROLE)) {
      j.put("roles", new JsonArray(new ArrayList<>(info.getRolesList())));
    } else {
      j.put("role", info.hasRole() ? info.getRole() : "*");
    }
    JsonArray tasks = new JsonArray();
    for (SimTask t : f.tasks.values()) tasks.add(task(f, t));
    JsonArray unreachable = new JsonArray();
    for (SimTask t : f.unreachable.values()) unreachable.add(task(f, t));
    JsonArray completed = new JsonArray();
    for (SimTask t : f.completedTasks) completed.add(task(f, t));
    j.put("tasks", tasks).put("unreachable_tasks", unreachable).put("completed_tasks", completed)
        .put("offers", offers).put("executors", executors(f));
    if (info.hasLabels()) j.put("labels", labels(info.getLabels()));
    return j;
  }

  /** Custom executors of the framework's tasks (command tasks have none the master lists). */
  private static JsonArray executors(SimFramework f) {
    JsonArray a = new JsonArray();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (SimTask t : f.tasks.values()) {
      if (!t.info.hasExecutor()) continue;
      Protos.ExecutorInfo e = t.info.getExecutor();
      if (!seen.add(t.agentId + "/" + e.getExecutorId().getValue())) continue;
      a.add(new JsonObject().put("executor_id", e.getExecutorId().getValue()).put("name", e.getName())
          .put("framework_id", f.id).put("command", new JsonObject().put("value", e.getCommand().getValue())
              .put("argv", new JsonArray(new ArrayList<>(e.getCommand().getArgumentsList()))).put("uris", new JsonArray()))
          .put("resources", ResourcesJson.of(0, 0, 0, null)).put("slave_id", t.agentId));
    }
    return a;
  }

  /** {@code json(ObjectWriter*, const Task&)}. */
  static JsonObject task(SimFramework f, SimTask t) {
    Protos.TaskInfo ti = t.info;
    JsonObject j = new JsonObject().put("id", t.id).put("name", ti.getName()).put("framework_id", f.id)
        .put("executor_id", ti.hasExecutor() ? ti.getExecutor().getExecutorId().getValue() : "")
        .put("slave_id", t.agentId).put("state", t.state.name()).put("resources", ResourcesJson.of(t))
        .put("role", f.role());
    JsonArray statuses = new JsonArray();
    for (Protos.TaskStatus s : t.statuses) {
      JsonObject st = new JsonObject().put("state", s.getState().name()).put("timestamp", plain(s.getTimestamp()));
      if (s.hasLabels()) st.put("labels", labels(s.getLabels()));
      if (s.hasHealthy()) st.put("healthy", s.getHealthy());
      statuses.add(st);
    }
    j.put("statuses", statuses);
    if (ti.hasCommand() && ti.getCommand().hasUser()) j.put("user", ti.getCommand().getUser());
    if (ti.hasLabels()) j.put("labels", labels(ti.getLabels()));
    if (ti.hasDiscovery()) j.put("discovery", proto(ti.getDiscovery()));
    if (ti.hasContainer()) j.put("container", proto(ti.getContainer()));
    if (ti.hasHealthCheck()) j.put("health_check", proto(ti.getHealthCheck()));
    return j;
  }

  static JsonArray labels(Protos.Labels labels) {
    JsonArray a = new JsonArray();
    for (Protos.Label l : labels.getLabelsList()) {
      JsonObject o = new JsonObject().put("key", l.getKey());
      if (l.hasValue()) o.put("value", l.getValue());
      a.add(o);
    }
    return a;
  }

  private static JsonObject proto(Message m) {
    try {
      return new JsonObject(PROTO.print(m));
    } catch (InvalidProtocolBufferException e) {
      return new JsonObject();
    }
  }
}
