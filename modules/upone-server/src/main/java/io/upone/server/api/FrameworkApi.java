package io.upone.server.api;

import io.upone.core.Problem;
import io.upone.eventlog.EventLog;
import io.upone.mesos.MesosDriver;
import io.upone.server.config.ServerConfig;
import io.upone.server.scheduler.TaskLifecycleVerticle;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /v1/framework}: how this cluster runs tasks (native agents or a Mesos framework,
 * its id, master and subscription); {@code POST /v1/framework/teardown}: end the Mesos framework.
 */
public final class FrameworkApi {
  private final EventLog log;
  private final ServerConfig config;
  private final TaskLifecycleVerticle lifecycle;
  private final LeaderForwarder forwarder;

  public FrameworkApi(EventLog log, ServerConfig config, TaskLifecycleVerticle lifecycle, LeaderForwarder forwarder) {
    this.log = log;
    this.config = config;
    this.lifecycle = lifecycle;
    this.forwarder = forwarder;
  }

  public void get(RoutingContext ctx) {
    JsonObject out = new JsonObject().put("mode", config.mesos() == null ? "native" : "mesos")
        .put("frameworkId", log.state().frameworkId()).put("master", log.state().frameworkMaster());
    if (config.mesos() != null) {
      out.put("masters", config.mesos().masters().stream().map(Object::toString).toList())
          .put("failoverTimeoutSeconds", config.mesos().failoverTimeoutSeconds())
          .put("role", config.mesos().role());
      if (lifecycle.driver() instanceof MesosDriver m && log.isLeader()) {
        MesosDriver.Stats s = m.stats();
        out.put("subscribed", m.isSubscribed()).put("offersReceived", s.offers).put("tasksLaunched", s.launched)
            .put("updatesReceived", s.updates).put("subscriptions", s.subscriptions);
      }
    }
    ctx.json(out);
  }

  public void teardown(RoutingContext ctx) {
    if (!log.isLeader()) {
      forwarder.forward(ctx);
      return;
    }
    if (!(lifecycle.driver() instanceof MesosDriver m)) {
      Problems.send(ctx.response(), new Problem(Problem.Kind.CONFLICT, "not_mesos_mode",
          "this server drives upone agents, not a Mesos framework; there is nothing to tear down", List.of()));
      return;
    }
    String id = log.state().frameworkId();
    m.teardown().onSuccess(v -> ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("tornDown", id).encode()))
        .onFailure(t -> Problems.send(ctx.response(), new Problem(Problem.Kind.UNAVAILABLE, "mesos_unavailable",
            "teardown not accepted: " + t.getMessage(), List.of())));
  }
}
