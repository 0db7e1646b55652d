package io.upone.server.http;

import io.upone.eventlog.EventLog;
import io.upone.server.driver.DriverMode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/framework}: how this cluster runs tasks (native agents or a Mesos framework,
 * its id, master and subscription); {@code POST /v1/framework/teardown}: end the Mesos framework.
 */
public final class FrameworkApi {
  private final EventLog log;
  private final DriverMode driver;
  private final LeaderForwarder forwarder;

  public FrameworkApi(EventLog log, DriverMode driver, LeaderForwarder forwarder) {
    this.log = log;
    this.driver = driver;
    this.forwarder = forwarder;
  }

  public void get(RoutingContext ctx) {
    JsonObject out = new JsonObject().put("mode", driver.name())
        .put("frameworkId", ReadViews.of(ctx, log).frameworkId()).put("master", ReadViews.of(ctx, log).frameworkMaster());
    ctx.json(out.mergeIn(driver.describe(log.isLeader())));
  }

  public void teardown(RoutingContext ctx) {
    if (forwarder.forwardedToLeader(ctx)) return;
    String id = log.view().frameworkId();
    driver.teardown().onSuccess(v -> ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("tornDown", id).encode()))
        .onFailure(t -> Problems.send(ctx.response(), t));
  }
}
