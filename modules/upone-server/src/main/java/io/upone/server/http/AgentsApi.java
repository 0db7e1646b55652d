package io.upone.server.http;

import io.upone.eventlog.EventLog;
import io.upone.server.driver.DriverMode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/agents}: the agents the leader's driver knows. What agents send (native mode's
 * heartbeats and status reports) is routed by the driver's own mode.
 */
public final class AgentsApi {
  private final EventLog log;
  private final DriverMode driver;
  private final LeaderForwarder forwarder;

  public AgentsApi(EventLog log, DriverMode driver, LeaderForwarder forwarder) {
    this.log = log;
    this.driver = driver;
    this.forwarder = forwarder;
  }

  public void list(RoutingContext ctx) {
    if (forwarder.forwardedToLeader(ctx)) return;
    driver.agents().onSuccess(agents -> ctx.json(new JsonObject().put("agents", agents)))
        .onFailure(t -> Problems.send(ctx.response(), t));
  }
}
