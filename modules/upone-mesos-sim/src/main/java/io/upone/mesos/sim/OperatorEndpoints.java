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
 * Everything on the master's port besides the scheduler API: its state, {@code /redirect} as a
 * Mesos master answers it, a health check, and the simulator's operator controls under
 * {@code /sim/} for demos.
 */
final class OperatorEndpoints {
  private final SimCluster cluster;
  private final SimMaster master;
  private final SchedulerEndpoint scheduler;

  OperatorEndpoints(SimCluster cluster, SimMaster master, SchedulerEndpoint scheduler) {
    this.cluster = cluster;
    this.master = master;
    this.scheduler = scheduler;
  }

  void route(HttpServerRequest req) {
    String path = req.path();
    if (path.equals(SchedulerEndpoint.PATH)) {
      scheduler.handle(req);
    } else if (path.equals("/state") || path.equals("/master/state")) {
      req.response().putHeader("Content-Type", "application/json").end(simState().encodePrettily());
    } else if (path.equals("/redirect") || path.equals("/master/redirect")) {
      // as a Mesos master: 307 to the leading master (this one, or the one it names)
      String target = cluster.leader != null ? cluster.leader : cluster.options.host() + ":" + cluster.port;
      req.response().setStatusCode(307).putHeader("Location", "//" + target).end();
    } else if (path.equals("/health")) {
      req.response().setStatusCode(200).end();
    } else if (path.startsWith("/sim/") && req.method() == HttpMethod.POST) {
      control(req, path.substring(5).split("/"));
    } else {
      req.response().setStatusCode(404).end();
    }
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
      for (SimTask t : f.tasks.values()) states.merge(t.state.name(), 1, Integer::sum);
      if (!f.unreachable.isEmpty()) states.put("TASK_UNREACHABLE", f.unreachable.size());
      fws.add(new JsonObject().put("id", f.id).put("name", f.info.getName()).put("connected", f.connected)
          .put("suppressed", f.suppressed).put("failover_timeout", f.info.getFailoverTimeout())
          .put("offers", f.offers.size()).put("tasks", new JsonObject(new LinkedHashMap<>(states))));
    }
    long active = cluster.agents.values().stream().filter(a -> a.health == SimAgent.Health.ACTIVE).count();
    return new JsonObject().put("id", cluster.masterId).put("version", MasterInfo.VERSION).put("leader", cluster.leader == null)
        .put("agents", new JsonObject().put("total", cluster.agents.size()).put("active", active))
        .put("frameworks", fws).put("completed_frameworks", new JsonArray(new ArrayList<>(cluster.removedFrameworks)))
        .put("offers_sent", cluster.offersSent.get()).put("updates_sent", cluster.updatesSent.get())
        .put("updates_resent", cluster.updatesResent.get());
  }
}
