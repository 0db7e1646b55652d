package io.upone.agent;

import io.upone.core.driver.PortRange;
import io.upone.core.driver.Resources;
import io.upone.core.driver.TaskContainer;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.driver.TaskReport;
import io.upone.core.proto.HealthCheck;
import io.upone.core.proto.TaskState;
import java.util.Base64;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The JSON of the agent protocol (master ⇄ agent), in one place so both sides agree. */
public final class Wire {
  private Wire() {}

  public static JsonObject launch(TaskLaunch l) {
    return new JsonObject().put("taskId", l.taskId()).put("appId", l.appId()).put("appVersion", l.appVersion())
        .put("agentId", l.agentId()).put("cmd", l.cmd()).put("args", new JsonArray(new ArrayList<>(l.args())))
        .put("image", l.image()).put("env", new JsonObject(new HashMap<>(l.env()))).put("cpus", l.cpus())
        .put("mem", l.mem()).put("disk", l.disk()).put("hostPorts", new JsonArray(new ArrayList<>(l.hostPorts())))
        .put("killGracePeriodSeconds", l.killGracePeriodSeconds()).put("container", container(l.container()))
        // health checks travel as their protobuf bytes: every field, as the master has it
        .put("healthChecks", new JsonArray(l.healthChecks().stream()
            .map(h -> Base64.getEncoder().encodeToString(h.toByteArray())).toList()));
  }

  public static JsonObject container(TaskContainer c) {
    JsonArray ports = new JsonArray();
    c.portMappings().forEach(p -> ports.add(new JsonObject().put("containerPort", p.containerPort()).put("protocol", p.protocol())));
    JsonArray volumes = new JsonArray();
    c.volumes().forEach(v -> volumes.add(new JsonObject().put("containerPath", v.containerPath()).put("hostPath", v.hostPath())
        .put("readOnly", v.readOnly())));
    JsonArray params = new JsonArray();
    c.parameters().forEach(p -> params.add(new JsonObject().put("key", p.key()).put("value", p.value())));
    return new JsonObject().put("network", c.network()).put("portMappings", ports).put("volumes", volumes)
        .put("parameters", params).put("privileged", c.privileged()).put("forcePullImage", c.forcePullImage())
        .put("labels", new JsonObject(new HashMap<>(c.labels())));
  }

  /** A launch's container details; a launch from a master that sends none runs with host networking. */
  public static TaskContainer container(JsonObject j) {
    if (j == null) return TaskContainer.HOST;
    List<TaskContainer.PortMap> ports = new ArrayList<>();
    j.getJsonArray("portMappings", new JsonArray()).forEach(o -> {
      JsonObject p = (JsonObject) o;
      ports.add(new TaskContainer.PortMap(p.getInteger("containerPort", 0), p.getString("protocol", "tcp")));
    });
    List<TaskContainer.Mount> volumes = new ArrayList<>();
    j.getJsonArray("volumes", new JsonArray()).forEach(o -> {
      JsonObject v = (JsonObject) o;
      volumes.add(new TaskContainer.Mount(req(v, "containerPath"), req(v, "hostPath"), v.getBoolean("readOnly", true)));
    });
    List<TaskContainer.Param> params = new ArrayList<>();
    j.getJsonArray("parameters", new JsonArray()).forEach(o -> {
      JsonObject p = (JsonObject) o;
      params.add(new TaskContainer.Param(req(p, "key"), p.getString("value", "")));
    });
    Map<String, String> labels = new HashMap<>();
    j.getJsonObject("labels", new JsonObject()).forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
    String network = j.getString("network", "HOST");
    if (!List.of("HOST", "BRIDGE", "NONE").contains(network)) throw new IllegalArgumentException("container.network must be HOST, BRIDGE or NONE");
    return new TaskContainer(network, ports, volumes, params, j.getBoolean("privileged", false),
        j.getBoolean("forcePullImage", false), labels);
  }

  public static TaskLaunch launch(JsonObject j) {
    List<String> args = new ArrayList<>();
    j.getJsonArray("args", new JsonArray()).forEach(a -> args.add((String) a));
    Map<String, String> env = new HashMap<>();
    j.getJsonObject("env", new JsonObject()).forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
    List<Integer> ports = new ArrayList<>();
    j.getJsonArray("hostPorts", new JsonArray()).forEach(p -> ports.add(((Number) p).intValue()));
    List<HealthCheck> checks = new ArrayList<>();
    for (Object h : j.getJsonArray("healthChecks", new JsonArray())) {
      try {
        checks.add(HealthCheck.parseFrom(Base64.getDecoder().decode((String) h)));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("healthChecks: not a health check: " + e.getMessage());
      }
    }
    return new TaskLaunch(req(j, "taskId"), req(j, "appId"), j.getLong("appVersion", 0L), j.getString("agentId", ""),
        j.getString("cmd", ""), args, j.getString("image", ""), env, j.getDouble("cpus", 0.0), j.getDouble("mem", 0.0),
        j.getDouble("disk", 0.0), ports, j.getInteger("killGracePeriodSeconds", 0), container(j.getJsonObject("container")),
        checks);
  }

  public static JsonObject report(TaskReport r) {
    JsonObject j = new JsonObject().put("taskId", r.taskId()).put("agentId", r.agentId()).put("state", r.state().name())
        .put("exitCode", r.exitCode()).put("message", r.message()).put("reason", r.reason());
    if (r.healthy() != null) j.put("healthy", r.healthy());
    return j;
  }

  public static TaskReport report(JsonObject j) {
    return new TaskReport(req(j, "taskId"), j.getString("agentId", ""), TaskState.valueOf(req(j, "state")),
        j.getInteger("exitCode", 0), j.getString("message", ""), j.getString("reason", ""), j.getBoolean("healthy"));
  }

  public static JsonObject resources(Resources r) {
    JsonArray ports = new JsonArray();
    for (PortRange p : r.ports()) ports.add(new JsonArray().add(p.begin()).add(p.end()));
    return new JsonObject().put("cpus", r.cpus()).put("mem", r.mem()).put("disk", r.disk()).put("ports", ports);
  }

  public static Resources resources(JsonObject j) {
    List<PortRange> ports = new ArrayList<>();
    j.getJsonArray("ports", new JsonArray()).forEach(p -> {
      JsonArray a = (JsonArray) p;
      ports.add(new PortRange(a.getInteger(0), a.getInteger(1)));
    });
    return new Resources(j.getDouble("cpus", 0.0), j.getDouble("mem", 0.0), j.getDouble("disk", 0.0), ports);
  }

  private static String req(JsonObject j, String field) {
    String v = j.getString(field);
    if (v == null || v.isEmpty()) throw new IllegalArgumentException(field + " is required");
    return v;
  }
}
