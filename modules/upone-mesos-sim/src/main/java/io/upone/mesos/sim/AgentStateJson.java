package io.upone.mesos.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.mesos.v1.Protos;

/**
 * A simulated agent's own endpoints in the shape a Mesos 1.11 agent writes them
 * ({@code src/slave/http.cpp}): {@code /slave(1)/state} ({@code Http::state}, with
 * {@code FrameworkWriter} and {@code ExecutorWriter}) and {@code /monitor/statistics}
 * ({@code Http::_statistics}). Every task runs under its own command executor, whose id is the
 * task id, as Mesos's command executor does; usage figures are simulated, not measured.
 */
final class AgentStateJson {
  private final SimCluster cluster;

  AgentStateJson(SimCluster cluster) {
    this.cluster = cluster;
  }

  JsonObject state(SimAgent a) {
    Protos.Value.Ranges allPorts = Protos.Value.Ranges.newBuilder()
        .addRange(Protos.Value.Range.newBuilder().setBegin(a.portBegin).setEnd(a.portEnd)).build();
    JsonObject total = ResourcesJson.of(a.cpus, a.mem, a.disk, allPorts);
    JsonObject s = new JsonObject().put("version", MasterInfo.VERSION)
        .put("build_date", "2020-11-24 08:00:00").put("build_time", MasterStateJson.plain(1606204800.0)).put("build_user", "upone-mesos-sim")
        .put("start_time", MasterStateJson.secs(a.registeredAtMs)).put("id", a.id).put("pid", a.pid())
        .put("hostname", a.hostname).put("capabilities", MasterStateJson.AGENT_CAPABILITIES.copy())
        .put("resources", total).put("reserved_resources", new JsonObject()).put("unreserved_resources", total.copy())
        .put("reserved_resources_full", new JsonObject())
        .put("unreserved_resources_full", ResourcesJson.full(a.cpus, a.mem, a.disk, allPorts))
        .put("reserved_resources_allocated", new JsonObject())
        .put("unreserved_resources_allocated", ResourcesJson.of(a.usedCpus, a.usedMem, a.usedDisk, a.usedPorts()))
        .put("resource_providers", new JsonArray())
        .put("attributes", MasterStateJson.attributes(a.attributes))
        .put("master_hostname", cluster.master.hostname)
        .put("flags", new JsonObject().put("hostname", a.hostname).put("ip", a.ip).put("port", String.valueOf(a.port))
            .put("master", cluster.master.ip + ":" + cluster.port).put("work_dir", "/var/lib/mesos"));
    JsonArray frameworks = new JsonArray();
    for (SimFramework f : cluster.frameworks.values()) {
      List<SimTask> here = new ArrayList<>();
      for (SimTask t : f.tasks.values()) if (t.agentId.equals(a.id)) here.add(t);
      for (SimTask t : f.unreachable.values()) if (t.agentId.equals(a.id)) here.add(t);
      if (!here.isEmpty()) frameworks.add(framework(a, f, here));
    }
    return s.put("frameworks", frameworks).put("completed_frameworks", new JsonArray());
  }

  /** {@code FrameworkWriter}. */
  private JsonObject framework(SimAgent a, SimFramework f, List<SimTask> tasks) {
    Protos.FrameworkInfo info = f.info;
    JsonObject j = new JsonObject().put("id", f.id).put("name", info.getName()).put("user", info.getUser())
        .put("failover_timeout", MasterStateJson.plain(info.getFailoverTimeout())).put("checkpoint", info.getCheckpoint())
        .put("hostname", info.getHostname());
    if (info.hasPrincipal()) j.put("principal", info.getPrincipal());
    if (f.has(Protos.FrameworkInfo.Capability.Type.MULTI_ROLE)) {
      j.put("roles", new JsonArray(new ArrayList<>(info.getRolesList())));
    } else {
      j.put("role", info.hasRole() ? info.getRole() : "*");
    }
    JsonArray executors = new JsonArray();
    for (SimTask t : tasks) executors.add(executor(a, f, t));
    return j.put("executors", executors).put("completed_executors", new JsonArray());
  }

  /** {@code ExecutorWriter} for the command executor running one task. */
  private static JsonObject executor(SimAgent a, SimFramework f, SimTask t) {
    String executorId = t.info.hasExecutor() ? t.info.getExecutor().getExecutorId().getValue() : t.id;
    String container = containerId(f, t);
    JsonObject task = MasterStateJson.task(f, t);
    JsonArray live = new JsonArray();
    JsonArray done = new JsonArray();
    (t.terminal() ? done : live).add(task);
    return new JsonObject().put("id", executorId)
        .put("name", "Command Executor (Task: " + t.id + ") (Command: sh -c '" + t.info.getCommand().getValue() + "')")
        .put("source", t.id).put("container", container)
        .put("directory", "/var/lib/mesos/slaves/" + a.id + "/frameworks/" + f.id + "/executors/" + executorId
            + "/runs/" + container)
        .put("resources", ResourcesJson.of(t)).put("role", f.role())
        .put("tasks", live).put("queued_tasks", new JsonArray()).put("completed_tasks", done);
  }

  private static String containerId(SimFramework f, SimTask t) {
    return UUID.nameUUIDFromBytes((f.id + "/" + t.id).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** {@code /monitor/statistics}: one entry per executor of a live task; limits from its resources, usage simulated. */
  JsonArray statistics(SimAgent a) {
    JsonArray out = new JsonArray();
    long now = System.currentTimeMillis();
    for (SimFramework f : cluster.frameworks.values()) {
      for (SimTask t : f.tasks.values()) {
        if (!t.agentId.equals(a.id) || t.terminal()) continue;
        double ranSecs = Math.max(0, (now - t.launchedAtMs) / 1000.0);
        long memLimit = (long) (t.mem * 1024 * 1024);
        out.add(new JsonObject().put("executor_id", t.info.hasExecutor() ? t.info.getExecutor().getExecutorId().getValue() : t.id)
            .put("executor_name", "Command Executor (Task: " + t.id + ")").put("framework_id", f.id).put("source", t.id)
            .put("statistics", new JsonObject().put("timestamp", MasterStateJson.secs(now)).put("cpus_limit", MasterStateJson.plain(t.cpus))
                .put("cpus_user_time_secs", MasterStateJson.plain(SimAgent.round(ranSecs * t.cpus * 0.01)))
                .put("cpus_system_time_secs", MasterStateJson.plain(SimAgent.round(ranSecs * t.cpus * 0.002)))
                .put("mem_limit_bytes", memLimit).put("mem_rss_bytes", memLimit / 4)));
      }
    }
    return out;
  }
}
