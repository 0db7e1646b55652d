package io.upone.mesos.sim;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.mesos.v1.Protos.TaskState;

/**
 * Everything on the master's port besides the scheduler API: the master's state in Mesos's shape
 * ({@code /master/state}, {@code /state}, {@code /master/slaves}, {@code /master/frameworks}),
 * {@code /redirect} as a Mesos master answers it, a health check, and the simulator's own summary
 * and operator controls under {@code /sim/}.
 */
final class OperatorEndpoints {
  private final SimCluster cluster;
  private final SimMaster master;
  private final SchedulerEndpoint scheduler;
  private final MasterStateJson state;

  OperatorEndpoints(SimCluster cluster, SimMaster master, SchedulerEndpoint scheduler) {
    this.cluster = cluster;
    this.master = master;
    this.scheduler = scheduler;
    this.state = new MasterStateJson(cluster);
  }

  JsonObject masterState() {
    return state.state();
  }

  void route(HttpServerRequest req) {
    String path = req.path();
    if (path.equals(SchedulerEndpoint.PATH)) {
      scheduler.handle(req);
    } else if (path.equals("/sim/state") && req.method() == HttpMethod.GET) {
      json(req, simState().encodePrettily());
    } else if (MASTER_READS.contains(path)) {
      if (cluster.leader != null) {
        // Master::Http::redirect (src/master/http.cpp): a master that does not lead sends readers to the leader
        req.response().setStatusCode(307).putHeader("Location", "//" + cluster.leader + req.uri()).end();
        return;
      }
      JsonObject s = state.state();
      JsonObject body = switch (path.replace("/master", "")) {
        case "/slaves" -> new JsonObject().put("slaves", s.getValue("slaves")).put("recovered_slaves", s.getValue("recovered_slaves"));
        case "/frameworks" -> new JsonObject().put("frameworks", s.getValue("frameworks"))
            .put("completed_frameworks", s.getValue("completed_frameworks"))
            .put("unregistered_frameworks", s.getValue("unregistered_frameworks"));
        default -> s;
      };
      json(req, body.encode());
    } else if (path.equals("/redirect") || path.equals("/master/redirect")) {
      // as a Mesos master: 307 to the leading master (this one, at the address its MasterInfo names, or the one it names)
      String target = cluster.leader != null ? cluster.leader : cluster.master.ip + ":" + cluster.port;
      req.response().setStatusCode(307).putHeader("Location", "//" + target).end();
    } else if (path.equals("/health")) {
      req.response().setStatusCode(200).end();
    } else if (path.startsWith("/sim/") && req.method() == HttpMethod.POST) {
      control(req, path.substring(5).split("/"));
    } else {
      req.response().setStatusCode(404).end();
    }
  }

  private static final java.util.Set<String> MASTER_READS = java.util.Set.of("/state", "/master/state", "/slaves",
      "/master/slaves", "/frameworks", "/master/frameworks");

  private static void json(HttpServerRequest req, String body) {
    req.response().putHeader("Content-Type", "application/json").end(body);
  }

  /** Operator controls: agents (add), agents/{id}/remove[?gone=true], agents/{id}/restore, tasks/{id}/end?state=, streams/drop. */
  private void control(HttpServerRequest req, String[] parts) {
    Future<?> f;
    if (parts.length == 1 && parts[0].equals("agents")) {
      f = master.addAgent();
    } else if (parts.length == 3 && parts[0].equals("agents") && parts[2].equals("remove")) {
      f = master.removeAgent(parts[1], "true".equals(req.getParam("gone")));
    } else if (parts.length == 3 && parts[0].equals("agents") && parts[2].equals("restore")) {
      f = master.restoreAgent(parts[1]);
    } else if (parts.length == 3 && parts[0].equals("tasks") && parts[2].equals("end")) {
      TaskState st;
      try {
        st = TaskState.valueOf(req.getParam("state", "TASK_FINISHED"));
      } catch (IllegalArgumentException e) {
        req.response().setStatusCode(400).end("unknown state " + req.getParam("state"));
        return;
      }
      f = master.endTask(parts[1], st, "ended by the simulator's operator");
    } else if (parts.length == 2 && parts[0].equals("streams") && parts[1].equals("drop")) {
      f = master.dropStreams();
    } else {
      req.response().setStatusCode(404).end();
      return;
    }
    f.onSuccess(v -> req.response().setStatusCode(200).end(String.valueOf(v)))
        .onFailure(t -> req.response().setStatusCode(400).end(t.getMessage()));
  }

  /** The simulator's own summary: frameworks with tasks counted by state, agents, counters. */
  JsonObject simState() {
    JsonArray fws = new JsonArray();
    for (SimFramework f : cluster.frameworks.values()) {
      Map<String, Integer> states = new LinkedHashMap<>();
      int unacked = 0;
      double oldest = Double.MAX_VALUE;
      for (SimTask t : f.tasks.values()) {
        states.merge(t.state.name(), 1, Integer::sum);
        if (t.inFlight != null) {
          unacked++;
          oldest = Math.min(oldest, t.inFlight.getTimestamp());
        }
      }
      // how far the framework's acknowledgements lag: updates sent and not acknowledged yet
      long oldestMs = unacked == 0 ? 0 : Math.max(0, System.currentTimeMillis() - (long) (oldest * 1000));
      if (!f.unreachable.isEmpty()) states.put("TASK_UNREACHABLE", f.unreachable.size());
      fws.add(new JsonObject().put("id", f.id).put("name", f.info.getName()).put("connected", f.connected)
          .put("suppressed", f.suppressed).put("failover_timeout", f.info.getFailoverTimeout())
          .put("offers", f.offers.size()).put("tasks", new JsonObject(new LinkedHashMap<>(states)))
          .put("unacknowledged", unacked).put("oldest_unacknowledged_ms", oldestMs));
    }
    long active = cluster.agents.values().stream().filter(a -> a.health == SimAgent.Health.ACTIVE).count();
    return new JsonObject().put("id", cluster.masterId).put("version", MasterInfo.VERSION).put("leader", cluster.leader == null)
        .put("agents", new JsonObject().put("total", cluster.agents.size()).put("active", active))
        .put("frameworks", fws).put("completed_frameworks", new JsonArray(new ArrayList<>(cluster.completedFrameworks.keySet())))
        .put("offers_sent", cluster.offersSent.get()).put("updates_sent", cluster.updatesSent.get())
        .put("updates_resent", cluster.updatesResent.get());
  }
}
