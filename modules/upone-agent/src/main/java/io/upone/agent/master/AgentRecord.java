package io.upone.agent.master;

import io.upone.core.driver.Resources;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** What the master knows of one agent, from its last heartbeat. Driver context only. */
final class AgentRecord {
  final String id;
  String hostname;
  String url;
  Map<String, String> attributes = Map.of();
  /** What the agent runs ("process", "docker") and what it says of its engines (dockerVersion). */
  Set<String> executors = Set.of("process");
  Map<String, String> executorDetails = Map.of();
  Resources total;
  double load;
  long lastSeenMs;
  /** Tasks the agent reported in its last heartbeat: id → the heartbeat line. */
  Map<String, JsonObject> reported = new HashMap<>();
  /** Launched through an offer but not yet in a heartbeat: id → the launch, so it is not offered twice. */
  final Map<String, JsonObject> pending = new HashMap<>();
  /** Terminal tasks whose end the scheduler committed: the agent may forget them. */
  final Set<String> acknowledged = new HashSet<>();
  /** Kills sent and not yet seen to end: task id → grace seconds; repeated in every heartbeat answer. */
  final Map<String, Integer> killing = new HashMap<>();
  String outstandingOffer;
  long refuseUntilMs;

  AgentRecord(String id) {
    this.id = id;
  }

  /** Resources held by live tasks (reported or pending), and their host ports. */
  Used used() {
    double cpus = 0;
    double mem = 0;
    double disk = 0;
    Set<Integer> ports = new HashSet<>();
    Map<String, JsonObject> all = new HashMap<>(pending);
    all.putAll(reported);
    for (JsonObject t : all.values()) {
      if (terminal(t.getString("state", "TASK_STAGING"))) continue;
      cpus += t.getDouble("cpus", 0.0);
      mem += t.getDouble("mem", 0.0);
      disk += t.getDouble("disk", 0.0);
      t.getJsonArray("hostPorts", new io.vertx.core.json.JsonArray()).forEach(p -> ports.add(((Number) p).intValue()));
    }
    return new Used(cpus, mem, disk, ports);
  }

  static boolean terminal(String state) {
    return switch (state) {
      case "TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST", "TASK_ERROR", "TASK_GONE", "TASK_DROPPED" -> true;
      default -> false;
    };
  }

  record Used(double cpus, double mem, double disk, Set<Integer> ports) {}
}
