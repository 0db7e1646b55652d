package io.upone.server.http;

import io.upone.core.Problem;
import io.upone.core.command.AppCommands;
import io.upone.core.proto.AppSpec;
import io.upone.eventlog.EventLog;
import io.upone.placement.Assignment;
import io.upone.placement.PlacementReport;
import io.upone.placement.PlacementResult;
import io.upone.server.offers.OffersClient;
import io.upone.server.offers.PlacementStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Placement questions, answered by the leader (which runs the offer cycles): why an app is
 * pending ({@code GET /v1/apps/{id}/placement}) and where a spec would fit now
 * ({@code POST /v1/placement/what-if}, nothing written).
 */
public final class PlacementApi {
  private final EventLog log;
  private final OffersClient offers;
  private final LeaderForwarder forwarder;

  public PlacementApi(EventLog log, OffersClient offers, LeaderForwarder forwarder) {
    this.log = log;
    this.offers = offers;
    this.forwarder = forwarder;
  }

  public void ofApp(RoutingContext ctx, String id) {
    if (!log.isLeader()) {
      forwarder.forward(ctx);
      return;
    }
    AppSpec app;
    try {
      app = AppCommands.existing(log.view(), id);
    } catch (Problem.Failure f) {
      Problems.send(ctx.response(), f.problem());
      return;
    }
    offers.whyPending(app.getId()).onSuccess(st -> ctx.json(view(app, st)))
        .onFailure(t -> Problems.send(ctx.response(), t));
  }

  public void whatIf(RoutingContext ctx) {
    if (!log.isLeader()) {
      forwarder.forward(ctx);
      return;
    }
    AppSpec app;
    try {
      app = AppCommands.readSpec(ctx.body().asString(), null).spec();
    } catch (Problem.Failure f) {
      Problems.send(ctx.response(), f.problem());
      return;
    }
    offers.whatIf(app).onSuccess(r -> ctx.json(whatIfView(app, r))).onFailure(t -> Problems.send(ctx.response(), t));
  }

  static JsonObject view(AppSpec app, PlacementStatus st) {
    JsonObject o = new JsonObject().put("appId", app.getId()).put("instances", app.getInstances())
        .put("pending", st.pending()).put("lastOffersAt", time(st.lastOffersAtMs()));
    if (st.report() == null) {
      o.putNull("report").put("message", st.pending() == 0 ? "nothing is pending"
          : "no offer cycle has considered this app yet" + (st.lastOffersAtMs() == 0 ? ": no offers have arrived" : ""));
    } else {
      o.put("report", report(st.report()).put("at", time(st.reportAtMs())));
    }
    return o;
  }

  static JsonObject whatIfView(AppSpec app, PlacementResult r) {
    Map<String, JsonObject> byAgent = new TreeMap<>();
    for (Assignment a : r.assignments()) {
      byAgent.computeIfAbsent(a.agentId(), k -> new JsonObject().put("agentId", a.agentId()).put("hostname", a.hostname())
          .put("instances", 0));
      JsonObject row = byAgent.get(a.agentId());
      row.put("instances", row.getInteger("instances") + 1);
    }
    PlacementReport report = r.reports().get(app.getId());
    return new JsonObject().put("appId", app.getId()).put("requested", app.getInstances())
        .put("fits", r.assignments().size()).put("agents", new JsonArray(java.util.List.copyOf(byAgent.values())))
        .put("report", report == null ? null : report(report));
  }

  static JsonObject report(PlacementReport r) {
    JsonObject rejected = new JsonObject();
    r.rejected().forEach(rejected::put);
    JsonObject o = new JsonObject().put("requested", r.requested()).put("placed", r.placed())
        .put("offersConsidered", r.offersConsidered()).put("rejected", rejected).put("summary", r.summary());
    if (!r.error().isEmpty()) o.put("error", r.error());
    return o;
  }

  private static String time(long ms) {
    return ms == 0 ? null : Instant.ofEpochMilli(ms).toString();
  }
}
