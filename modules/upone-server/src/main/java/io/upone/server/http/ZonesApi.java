package io.upone.server.http;

import io.upone.core.Problem;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.LbKind;
import io.upone.core.proto.ZoneSpec;
import io.upone.core.state.State;
import io.upone.core.zone.Publication;
import io.upone.core.zone.ZoneCommands;
import io.upone.core.zone.ZoneJson;
import io.upone.eventlog.EventLog;
import io.upone.lb.HostResolver;
import io.upone.lb.LbInstance;
import io.upone.lb.LbRefused;
import io.upone.lb.Server;
import io.upone.lb.SlardarClient;
import io.upone.lb.Upstreams;
import io.upone.server.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The zone resource: {@code /v1/zones}. Zones live in the log (every node agrees); what the LBs
 * hold and how far the sync lags live on the leader, so every zone request is answered there.
 * Calls that reach the LBs (attach checks, lua, pick, top) answer an LB's refusal as a 400 with
 * its message, and an unreachable LB as a 503 (writes) or an {@code error} in its entry (reads).
 */
public final class ZonesApi {
  private final Vertx vertx;
  private final EventLog log;
  private final LeaderForwarder forwarder;
  private final LeaderWrites writes;
  private final HostResolver resolver = HostResolver.system();
  private final Map<String, LbInstance> clients = new ConcurrentHashMap<>();

  public ZonesApi(Vertx vertx, EventLog log, LeaderForwarder forwarder) {
    this.vertx = vertx;
    this.log = log;
    this.forwarder = forwarder;
    this.writes = new LeaderWrites(log, forwarder);
  }

  public void routes(Router r) {
    r.get("/v1/zones").handler(this::list);
    r.post("/v1/zones").handler(this::create);
    r.get("/v1/zones/:zone").handler(this::show);
    r.put("/v1/zones/:zone").handler(this::update);
    r.delete("/v1/zones/:zone").handler(this::delete);
    r.get("/v1/zones/:zone/upstreams").handler(this::upstreams);
    r.post("/v1/zones/:zone/upstreams").handler(this::attach);
    r.get("/v1/zones/:zone/upstreams/:upstream").handler(this::pick);
    r.delete("/v1/zones/:zone/upstreams/:upstream").handler(this::detach);
    r.get("/v1/zones/:zone/top").handler(this::top);
    r.get("/v1/zones/:zone/lua").handler(this::luaList);
    r.put("/v1/zones/:zone/lua").handler(c -> lua(c, (lb, name) -> lb.luaActivate(null)));
    r.post("/v1/zones/:zone/lua/:name").handler(c -> lua(c, (lb, name) -> lb.luaLoad(name, c.body().asString() == null ? "" : c.body().asString())));
    r.put("/v1/zones/:zone/lua/:name").handler(c -> lua(c, SlardarClient::luaActivate));
    r.delete("/v1/zones/:zone/lua/:name").handler(c -> lua(c, SlardarClient::luaUnload));
  }

  // ---- reads (on the leader: the sync's status is there) ---------------------------------------

  private void list(RoutingContext ctx) {
    if (forwarder.forwardedToLeader(ctx)) return;
    State s = ReadViews.of(ctx, log);
    syncStatus().onComplete(ar -> {
      JsonArray zones = new JsonArray();
      s.zones().stream().sorted(Comparator.comparing(ZoneSpec::getName)).forEach(z -> {
        JsonObject o = zoneJson(z).put("upstreams", published(s, z.getName()).size());
        o.put("sync", syncOf(ar.succeeded() ? ar.result() : null, z.getName()));
        zones.add(o);
      });
      ctx.json(new JsonObject().put("zones", zones));
    });
  }

  private void show(RoutingContext ctx) {
    if (forwarder.forwardedToLeader(ctx)) return;
    withZone(ctx, z -> {
      State s = ReadViews.of(ctx, log);
      syncStatus().onComplete(ar -> {
        JsonObject o = zoneJson(z).put("upstreams", upstreamsJson(s, z.getName()));
        o.put("sync", syncOf(ar.succeeded() ? ar.result() : null, z.getName()));
        ctx.json(o);
      });
    });
  }

  /** Every upstream with its servers: what upone wants, and what each LB instance holds and how healthy. */
  private void upstreams(RoutingContext ctx) {
    if (forwarder.forwardedToLeader(ctx)) return;
    withZone(ctx, z -> {
      JsonArray ups = upstreamsJson(ReadViews.of(ctx, log), z.getName());
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < ups.size(); i++) {
        JsonObject u = ups.getJsonObject(i);
        all.add(lbViews(z, lb -> lb.upstream(u.getString("upstream"))).onSuccess(v -> u.put("lb", v)));
      }
      Future.join(all).onComplete(ar -> ctx.json(new JsonObject().put("zone", z.getName()).put("upstreams", ups)));
    });
  }

  /** One upstream: its servers and their status on every instance. */
  private void pick(RoutingContext ctx) {
    if (forwarder.forwardedToLeader(ctx)) return;
    withZone(ctx, z -> {
      String name = ctx.pathParam("upstream");
      JsonArray ups = upstreamsJson(ReadViews.of(ctx, log), z.getName());
      JsonObject u = null;
      for (int i = 0; i < ups.size(); i++) if (ups.getJsonObject(i).getString("upstream").equals(name)) u = ups.getJsonObject(i);
      if (u == null) {
        Problems.send(ctx.response(), Problem.notFound("upstream_not_found", "no app is published in zone " + z.getName() + " as " + name));
        return;
      }
      JsonObject found = u;
      lbViews(z, lb -> lb.upstream(name)).onSuccess(v -> ctx.json(found.put("zone", z.getName()).put("lb", v)));
    });
  }

  /** Live figures per instance: nginx stub status (Slardar), {@code show stat} (HAProxy). */
  private void top(RoutingContext ctx) {
    if (forwarder.forwardedToLeader(ctx)) return;
    withZone(ctx, z -> lbViews(z, LbInstance::top).onSuccess(v -> ctx.json(new JsonObject().put("zone", z.getName())
        .put("kind", ZoneJson.kindName(z.getKind())).put("at", System.currentTimeMillis()).put("instances", v))));
  }

  private void luaList(RoutingContext ctx) {
    if (forwarder.forwardedToLeader(ctx)) return;
    withZone(ctx, z -> {
      if (!slardar(ctx, z)) return;
      lbViews(z, lb -> ((SlardarClient) lb).luaList()).onSuccess(v -> ctx.json(new JsonObject().put("zone", z.getName()).put("instances", v)));
    });
  }

  // ---- writes ----------------------------------------------------------------------------------

  private void create(RoutingContext ctx) {
    ZoneSpec[] spec = new ZoneSpec[1];
    writes.run(ctx, s -> {
      if (spec[0] == null) spec[0] = ZoneJson.read(ctx.body().asString(), null);
      return ZoneCommands.create(s, spec[0], System.currentTimeMillis());
    }, events -> {
      ZoneSpec z = events.get(0).getZoneCreated().getSpec();
      ctx.response().putHeader("Location", "/v1/zones/" + z.getName());
      respond(ctx, 201, z, events);
    }, () -> false);
  }

  private void update(RoutingContext ctx) {
    ZoneSpec[] spec = new ZoneSpec[1];
    writes.run(ctx, s -> {
      if (spec[0] == null) spec[0] = ZoneJson.read(ctx.body().asString(), ctx.pathParam("zone"));
      return ZoneCommands.update(s, spec[0], System.currentTimeMillis());
    }, events -> respond(ctx, 200, events.get(0).getZoneUpdated().getSpec(), events), () -> spec[0] != null && spec[0].getVersion() == 0);
  }

  private void delete(RoutingContext ctx) {
    writes.run(ctx, s -> ZoneCommands.delete(s, ctx.pathParam("zone"), System.currentTimeMillis()),
        events -> LeaderWrites.json(ctx, 200, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
            .put("name", events.get(0).getZoneDeleted().getName()).put("deleted", true), events), () -> true);
  }

  /**
   * {@code {"upstream": "web.example", "app": "/team/web"}}: publishes the app in the zone. Every
   * instance is asked first whether it can serve the upstream (HAProxy: a backend of that name
   * exists); a refusal is a 400 with the LB's message and nothing is written.
   */
  private void attach(RoutingContext ctx) {
    if (forwarder.forwardedToLeader(ctx)) return;
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null || !(body.getValue("upstream") instanceof String)) {
      Problems.send(ctx.response(), Problem.invalid("upstream", "body must be {\"upstream\": NAME, \"app\": APP_ID (optional)}"));
      return;
    }
    if (body.getValue("app") != null && !(body.getValue("app") instanceof String)) {
      Problems.send(ctx.response(), Problem.invalid("app", "must be an app id string"));
      return;
    }
    for (String k : body.fieldNames()) {
      if (!k.equals("upstream") && !k.equals("app")) {
        Problems.send(ctx.response(), Problem.invalid(k, "unknown field"));
        return;
      }
    }
    String upstream = body.getString("upstream");
    String app = body.getString("app");
    String zone = ctx.pathParam("zone");
    ZoneSpec z;
    try {
      State s = log.view();
      z = ZoneCommands.existing(s, zone);
      ZoneCommands.attach(s, zone, upstream, app, System.currentTimeMillis()); // validation only, before asking the LBs
    } catch (Problem.Failure f) {
      Problems.send(ctx.response(), f.problem());
      return;
    }
    List<Future<Void>> checks = new ArrayList<>();
    for (String address : z.getInstancesList()) checks.add(client(z, address).check(upstream));
    Future.join(checks).onComplete(ar -> {
      for (Future<Void> c : checks) {
        if (c.failed() && c.cause() instanceof LbRefused r) {
          Problems.send(ctx.response(), new Problem(Problem.Kind.INVALID, "lb_refused", r.getMessage(),
              List.of(new io.upone.core.FieldError("upstream", r.getMessage()))));
          return;
        }
      }
      // an unreachable instance does not stop the write: the sync pushes once it answers
      writes.run(ctx, s -> ZoneCommands.attach(s, zone, upstream, app, System.currentTimeMillis()),
          events -> respond(ctx, 200, log.view().zone(zone).orElse(z), events), () -> true);
    });
  }

  private void detach(RoutingContext ctx) {
    String zone = ctx.pathParam("zone");
    writes.run(ctx, s -> ZoneCommands.detach(s, zone, ctx.pathParam("upstream"), System.currentTimeMillis()),
        events -> respond(ctx, 200, log.view().zone(zone).orElseThrow(), events), () -> true);
  }

  /** Lua calls go to every instance; the first refusal (Slardar answers an error text) is a 400. */
  private void lua(RoutingContext ctx, java.util.function.BiFunction<SlardarClient, String, Future<Void>> call) {
    if (forwarder.forwardedToLeader(ctx)) return;
    withZone(ctx, z -> {
      if (!slardar(ctx, z)) return;
      String name = ctx.pathParam("name");
      if (name != null && !name.matches("^[-_a-zA-Z0-9.]{1,128}$")) {
        Problems.send(ctx.response(), Problem.invalid("name", "must be letters, digits, '-', '_' or '.' (e.g. modules.limit or script.web.example)"));
        return;
      }
      List<Future<Void>> calls = new ArrayList<>();
      for (String address : z.getInstancesList()) calls.add(call.apply((SlardarClient) client(z, address), name));
      Future.join(calls).onComplete(ar -> {
        for (Future<Void> c : calls) {
          if (c.failed()) {
            Problems.send(ctx.response(), c.cause() instanceof LbRefused r
                ? new Problem(Problem.Kind.INVALID, "lb_refused", r.getMessage(), List.of())
                : new Problem(Problem.Kind.UNAVAILABLE, "lb_unreachable", String.valueOf(c.cause().getMessage()), List.of()));
            return;
          }
        }
        ctx.json(new JsonObject().put("zone", z.getName()).put("name", name).put("ok", true).put("instances", z.getInstancesCount()));
      });
    });
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private void respond(RoutingContext ctx, int status, ZoneSpec z, List<io.upone.core.proto.Event> events) {
    LeaderWrites.json(ctx, status, ZoneJson.write(z), events);
  }

  private void withZone(RoutingContext ctx, java.util.function.Consumer<ZoneSpec> then) {
    try {
      then.accept(ZoneCommands.existing(ReadViews.of(ctx, log), ctx.pathParam("zone")));
    } catch (Problem.Failure f) {
      Problems.send(ctx.response(), f.problem());
    }
  }

  private boolean slardar(RoutingContext ctx, ZoneSpec z) {
    if (z.getKind() == LbKind.SLARDAR) return true;
    Problems.send(ctx.response(), Problem.invalid("zone", "zone " + z.getName() + " is " + ZoneJson.kindName(z.getKind())
        + "; Lua code runs on Slardar zones only"));
    return false;
  }

  private LbInstance client(ZoneSpec z, String address) {
    return clients.computeIfAbsent(z.getKind() + "/" + address, k -> LbInstance.of(vertx, z.getKind(), address));
  }

  /** One entry per instance: the view, or {@code {instance, error}} for one that failed. */
  private Future<JsonArray> lbViews(ZoneSpec z, Function<LbInstance, Future<JsonObject>> view) {
    List<Future<JsonObject>> all = new ArrayList<>();
    for (String address : z.getInstancesList()) {
      all.add(view.apply(client(z, address)).recover(t ->
          Future.succeededFuture(new JsonObject().put("instance", address).put("error", String.valueOf(t.getMessage())))));
    }
    return Future.all(all).map(cf -> {
      JsonArray out = new JsonArray();
      for (Future<JsonObject> f : all) out.add(f.result());
      return out;
    });
  }

  private static JsonObject zoneJson(ZoneSpec z) {
    return new JsonObject(ZoneJson.write(z).toString());
  }

  /** Apps published in the zone, by upstream. */
  private static Map<String, AppSpec> published(State s, String zone) {
    Map<String, AppSpec> out = new java.util.TreeMap<>();
    for (AppSpec a : s.apps()) if (Publication.zones(a).contains(zone)) out.put(a.getLoadBalancer().getUpstream(), a);
    return out;
  }

  private JsonArray upstreamsJson(State s, String zone) {
    JsonArray out = new JsonArray();
    for (Map.Entry<String, AppSpec> e : published(s, zone).entrySet()) {
      List<Server> servers = Upstreams.ofApp(s, e.getValue(), resolver, Set.of())
          .getOrDefault(new Upstreams.Key(zone, e.getKey()), List.of());
      JsonArray sv = new JsonArray();
      for (Server x : servers) sv.add(new JsonObject().put("address", x.address()).put("weight", x.weight()).put("task", x.taskId()));
      out.add(new JsonObject().put("upstream", e.getKey()).put("app", e.getValue().getId()).put("servers", sv));
    }
    return out;
  }

  private Future<JsonObject> syncStatus() {
    return vertx.eventBus().<JsonObject>request(Addresses.LB_QUERIES, new JsonObject(),
        new DeliveryOptions().setLocalOnly(true).setSendTimeout(5000)).map(m -> m.body());
  }

  private static JsonObject syncOf(JsonObject status, String zone) {
    if (status == null) return new JsonObject().put("error", "the sync did not answer");
    JsonObject z = status.getJsonObject("zones", new JsonObject()).getJsonObject(zone);
    if (z == null) return new JsonObject().put("instances", new JsonArray());
    return z;
  }
}
