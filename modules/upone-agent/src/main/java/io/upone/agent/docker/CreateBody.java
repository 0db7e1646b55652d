package io.upone.agent.docker;

import io.upone.core.driver.TaskContainer;
import io.upone.core.driver.TaskLaunch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Engine API body that creates a launch's container: image, command, environment, labels,
 * limits, mounts, network and the docker parameters upone knows
 * ({@link io.upone.core.container.DockerParameters}).
 */
public final class CreateBody {
  /** Labels that tie a container to its task and agent: restarts find their containers by them. */
  public static final String TASK_LABEL = "io.upone.task-id";
  public static final String APP_LABEL = "io.upone.app-id";
  public static final String AGENT_LABEL = "io.upone.agent-id";
  /** Where the task's sandbox is mounted inside the container (Mesos puts it at the same place). */
  static final String SANDBOX = "/mnt/mesos/sandbox";

  private CreateBody() {}

  static JsonObject of(TaskLaunch l, Map<String, String> env, Path sandbox, long logMaxBytes) {
    TaskContainer c = l.container();
    JsonObject body = new JsonObject().put("Image", l.image());
    JsonArray envList = new JsonArray();
    env.forEach((k, v) -> envList.add(k + "=" + (k.equals("MESOS_SANDBOX") ? SANDBOX : v)));
    JsonObject labels = new JsonObject();
    c.labels().forEach(labels::put);
    if (!l.args().isEmpty()) {
      body.put("Cmd", new JsonArray(new java.util.ArrayList<>(l.args())));
    } else if (!l.cmd().isBlank()) {
      // cmd is a shell line, as for processes; the image's entrypoint would get it as one argument
      body.put("Entrypoint", new JsonArray().add("/bin/sh").add("-c")).put("Cmd", new JsonArray().add(l.cmd()));
    }
    JsonArray binds = new JsonArray().add(sandbox.toAbsolutePath() + ":" + SANDBOX + ":rw");
    for (TaskContainer.Mount m : c.volumes()) binds.add(m.hostPath() + ":" + m.containerPath() + (m.readOnly() ? ":ro" : ":rw"));
    long memory = (long) (l.mem() * 1024 * 1024);
    JsonObject host = new JsonObject()
        .put("NetworkMode", c.network().toLowerCase(java.util.Locale.ROOT))
        .put("NanoCpus", (long) (l.cpus() * 1e9))
        .put("Memory", memory)
        .put("MemorySwap", memory) // no swap on top: the limit is the limit, past it the OOM killer acts
        .put("Binds", binds)
        .put("Privileged", c.privileged())
        .put("LogConfig", new JsonObject().put("Type", "json-file")
            .put("Config", new JsonObject().put("max-size", String.valueOf(Math.max(1 << 20, logMaxBytes))).put("max-file", "2")));
    if (c.network().equals("BRIDGE")) ports(l, body, host);
    parameters(c, body, host, envList, labels);
    // last: neither app labels nor --label may take over the labels that find the task again
    labels.put(TASK_LABEL, l.taskId()).put(APP_LABEL, l.appId()).put(AGENT_LABEL, env.getOrDefault("UPONE_AGENT_ID", ""));
    return body.put("Env", envList).put("Labels", labels).put("HostConfig", host);
  }

  /** BRIDGE: container port i is published on the launch's host port i. */
  private static void ports(TaskLaunch l, JsonObject body, JsonObject host) {
    JsonObject exposed = new JsonObject();
    JsonObject bindings = new JsonObject();
    for (int i = 0; i < l.container().portMappings().size(); i++) {
      TaskContainer.PortMap m = l.container().portMappings().get(i);
      String key = m.containerPort() + "/" + m.protocol();
      exposed.put(key, new JsonObject());
      if (i < l.hostPorts().size()) {
        bindings.put(key, new JsonArray().add(new JsonObject().put("HostIp", "").put("HostPort", String.valueOf(l.hostPorts().get(i)))));
      }
    }
    body.put("ExposedPorts", exposed);
    host.put("PortBindings", bindings);
  }

  private static void parameters(TaskContainer c, JsonObject body, JsonObject host, JsonArray env, JsonObject labels) {
    for (TaskContainer.Param p : c.parameters()) {
      String v = p.value();
      switch (p.key()) {
        case "label" -> labels.put(v.substring(0, v.indexOf('=')), v.substring(v.indexOf('=') + 1));
        case "env" -> env.add(v);
        case "user" -> body.put("User", v);
        case "workdir" -> body.put("WorkingDir", v);
        case "hostname" -> body.put("Hostname", v);
        case "entrypoint" -> body.put("Entrypoint", new JsonArray().add(v));
        case "stop-signal" -> body.put("StopSignal", v);
        case "init" -> host.put("Init", Boolean.parseBoolean(v));
        case "read-only" -> host.put("ReadonlyRootfs", Boolean.parseBoolean(v));
        case "cap-add" -> add(host, "CapAdd", v);
        case "cap-drop" -> add(host, "CapDrop", v);
        case "pids-limit" -> host.put("PidsLimit", Long.parseLong(v));
        case "tmpfs" -> {
          int colon = v.indexOf(':');
          JsonObject t = host.getJsonObject("Tmpfs", new JsonObject());
          t.put(colon < 0 ? v : v.substring(0, colon), colon < 0 ? "" : v.substring(colon + 1));
          host.put("Tmpfs", t);
        }
        default -> throw new IllegalArgumentException("unknown docker parameter '" + p.key() + "'");
      }
    }
  }

  private static void add(JsonObject host, String field, String value) {
    JsonArray a = host.getJsonArray(field, new JsonArray());
    host.put(field, a.add(value));
  }
}
