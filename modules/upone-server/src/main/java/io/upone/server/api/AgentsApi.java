package io.upone.server.api;

import io.upone.agent.Wire;
import io.upone.core.Problem;
import io.upone.eventlog.EventLog;
import io.upone.server.scheduler.TaskLifecycleVerticle;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The agents' side of the API ({@code POST /v1/agents/heartbeat|status}) and {@code GET /v1/agents}.
 * Only the leader drives agents: other nodes forward these requests to it.
 */
public final class AgentsApi {
  private final EventLog log;
  private final TaskLifecycleVerticle lifecycle;
  private final LeaderForwarder forwarder;

  public AgentsApi(EventLog log, TaskLifecycleVerticle lifecycle, LeaderForwarder forwarder) {
    this.log = log;
    this.lifecycle = lifecycle;
    this.forwarder = forwarder;
  }

  private boolean notDriving(RoutingContext ctx) {
    if (!log.isLeader()) {
      forwarder.forward(ctx);
      return true;
    }
    if (lifecycle.nativeDriver().isEmpty()) {
      Problems.send(ctx.response(), new Problem(Problem.Kind.CONFLICT, "not_native_mode",
          "this server drives a Mesos master; upone agents cannot register with it", List.of()));
      return true;
    }
    return false;
  }

  public void heartbeat(RoutingContext ctx) {
    if (notDriving(ctx)) return;
    JsonObject body = body(ctx);
    if (body == null || !valid(ctx, () -> body.getJsonArray("tasks", new io.vertx.core.json.JsonArray())
        .forEach(t -> Wire.report(((JsonObject) t).copy().put("agentId", body.getString("agentId")))))) {
      return;
    }
    lifecycle.nativeDriver().orElseThrow().heartbeat(body, answer -> {
      if (answer == null) {
        Problems.send(ctx.response(), new Problem(Problem.Kind.UNAVAILABLE, "not_leader", "not driving agents now; retry", List.of()));
      } else {
        ctx.json(answer);
      }
    });
  }

  public void status(RoutingContext ctx) {
    if (notDriving(ctx)) return;
    JsonObject body = body(ctx);
    if (body == null || !valid(ctx, () -> Wire.report(body))) return;
    lifecycle.nativeDriver().orElseThrow().status(body, () -> ctx.response().setStatusCode(202).end());
  }

  public void list(RoutingContext ctx) {
    if (!log.isLeader()) {
      forwarder.forward(ctx);
      return;
    }
    if (lifecycle.nativeDriver().isPresent()) {
      lifecycle.nativeDriver().get().describe(agents -> ctx.json(new JsonObject().put("agents", agents)));
      return;
    }
    // other drivers: the agents they know
    lifecycle.knownAgents().onSuccess(known -> {
      io.vertx.core.json.JsonArray agents = new io.vertx.core.json.JsonArray();
      known.values().forEach(a -> agents.add(new JsonObject().put("id", a.agentId()).put("hostname", a.hostname())
          .put("attributes", new JsonObject(new java.util.HashMap<>(a.attributes())))));
      ctx.json(new JsonObject().put("agents", agents));
    }).onFailure(t -> Problems.send(ctx.response(), t));
  }

  /** Refuses a report the driver could not read (missing taskId, unknown state) with 400. */
  private static boolean valid(RoutingContext ctx, Runnable parse) {
    try {
      parse.run();
      return true;
    } catch (RuntimeException e) {
      Problems.send(ctx.response(), Problem.invalid("tasks", "not a valid task report: " + e.getMessage()));
      return false;
    }
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject b = ctx.body().asJsonObject();
      if (b == null || b.getString("agentId") == null) throw new IllegalArgumentException("agentId is required");
      return b;
    } catch (RuntimeException e) {
      Problems.send(ctx.response(), Problem.invalid("agentId", "body must be a JSON object with agentId: " + e.getMessage()));
      return null;
    }
  }
}
