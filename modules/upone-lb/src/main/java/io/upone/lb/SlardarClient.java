package io.upone.lb;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Slardar's admin HTTP API. {@code POST /upstream/NAME {"servers": [...]}} replaces an
 * upstream's list; {@code DELETE} removes it (Slardar refuses an empty list); {@code GET
 * /upstreams} confirms what the shared dictionary holds, {@code GET /status} ({@code cls:NAME})
 * shows one worker's copy with health. Upstreams upone pushes carry the
 * extra key {@code "upone": true}, which Slardar stores with them, so a resync can tell them from
 * the operator's own, and {@code "enable": false}: upone's own health checks (on the agent, next to
 * the task) decide which tasks are served, and Slardar's active heartbeat is turned off for them.
 * That heartbeat marks a server down on one failed TCP connect (sensibility 1) and keeps it down
 * until the next round 5 s later; under load it took every server of an upstream out at once and
 * Slardar answered 502 for seconds while all of them were serving.
 */
public final class SlardarClient implements LbInstance {
  private static final long TIMEOUT_MS = 3000;
  private final String address;
  private final WebClient http;
  /** Without keep-alive: each request may land on another nginx worker. */
  private final WebClient fresh;
  private final Vertx vertx;

  public SlardarClient(Vertx vertx, String address) {
    this.address = address;
    this.vertx = vertx;
    int colon = address.lastIndexOf(':');
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost(unbracket(address.substring(0, colon)))
        .setDefaultPort(Integer.parseInt(address.substring(colon + 1))).setConnectTimeout((int) TIMEOUT_MS)
        .setKeepAlive(true).setMaxPoolSize(4));
    this.fresh = WebClient.create(vertx, new WebClientOptions().setDefaultHost(unbracket(address.substring(0, colon)))
        .setDefaultPort(Integer.parseInt(address.substring(colon + 1))).setConnectTimeout((int) TIMEOUT_MS)
        .setKeepAlive(false));
  }

  private static String unbracket(String h) {
    return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
  }

  @Override
  public String address() {
    return address;
  }

  @Override
  public Future<String> identity() {
    return status().map(s -> s.getString("start_time", "") + "/" + s.getString("slardar_version", ""));
  }

  private Future<JsonObject> status() {
    return http.get("/status").timeout(TIMEOUT_MS).send().map(r -> json(r, "GET /status"));
  }

  @Override
  public Future<Map<String, List<Server>>> managed() {
    return http.get("/upstreams").timeout(TIMEOUT_MS).send().map(r -> {
      JsonObject all = json(r, "GET /upstreams");
      Map<String, List<Server>> out = new TreeMap<>();
      for (String name : all.fieldNames()) {
        JsonObject ups = all.getJsonObject(name);
        if (ups == null || !Boolean.TRUE.equals(ups.getValue("upone"))) continue;
        JsonArray cluster = ups.getJsonArray("cluster", new JsonArray());
        List<Server> servers = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
          JsonArray level = cluster.getJsonObject(i).getJsonArray("servers", new JsonArray());
          for (int j = 0; j < level.size(); j++) {
            JsonObject sv = level.getJsonObject(j);
            servers.add(new Server(sv.getString("host"), Integer.parseInt(String.valueOf(sv.getValue("port"))),
                sv.getInteger("weight", 1), ""));
          }
        }
        out.put(name, sorted(servers));
      }
      return out;
    });
  }

  @Override
  public Future<List<Server>> push(String upstream, List<Server> servers) {
    Future<Void> change;
    if (servers.isEmpty()) {
      change = http.delete("/upstream/" + upstream).timeout(TIMEOUT_MS).send().compose(r -> {
        // deleting what is not there is what we wanted
        if (r.statusCode() == 400 && message(r).contains("not found")) return Future.succeededFuture();
        return checked(r, "DELETE /upstream/" + upstream);
      });
    } else {
      JsonArray list = new JsonArray();
      for (Server s : servers) list.add(new JsonObject().put("host", s.host()).put("port", s.port()).put("weight", s.weight()));
      change = http.post("/upstream/" + upstream).timeout(TIMEOUT_MS)
          .sendJsonObject(new JsonObject().put("servers", list).put("upone", true).put("enable", false))
          .compose(r -> checked(r, "POST /upstream/" + upstream));
    }
    return change.compose(v -> confirmed(upstream));
  }

  /**
   * What Slardar's shared dictionary holds for the upstream ({@code GET /upstreams}), which every
   * nginx worker copies within {@code shd_config_timer_interval} (1 s). {@code /status} is not
   * used to confirm: it is answered from the in-memory copy of whichever worker takes the
   * request, so it shows a change on one worker before the others.
   */
  private Future<List<Server>> confirmed(String upstream) {
    return managed().map(m -> m.getOrDefault(upstream, List.of()));
  }

  /**
   * Each worker answers {@code /status} from its own copy, which it refreshes from shared memory
   * once a second. Asked on fresh connections (which nginx hands to any worker), {@link
   * #WORKER_SAMPLES} answers in a row showing {@code servers} make it very likely that every
   * worker has them (with two workers, a worker is missed 10 times in a row once in 500).
   */
  static final int WORKER_SAMPLES = 10;

  @Override
  public Future<Void> applied(String upstream, List<Server> servers, long timeoutMs) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    sample(upstream, servers, 0, deadline, done);
    return done.future();
  }

  private void sample(String upstream, List<Server> servers, int inARow, long deadline, io.vertx.core.Promise<Void> done) {
    if (inARow >= WORKER_SAMPLES || System.currentTimeMillis() > deadline) {
      done.tryComplete();
      return;
    }
    fresh.get("/status").timeout(TIMEOUT_MS).send().onComplete(ar -> {
      boolean same = false;
      if (ar.succeeded() && ar.result().statusCode() == 200) {
        JsonArray levels = ar.result().bodyAsJsonObject().getJsonArray("cls:" + upstream);
        Set<String> have = new java.util.TreeSet<>();
        if (levels != null) {
          for (int i = 0; i < levels.size(); i++) {
            JsonArray level = levels.getJsonArray(i);
            for (int j = 0; j < level.size(); j++) {
              String id = level.getJsonObject(j).getString("server", "");
              have.add(id.substring(Math.min(id.length(), upstream.length() + 1)));
            }
          }
        }
        Set<String> want = new java.util.TreeSet<>();
        for (Server sv : servers) want.add(sv.address());
        same = have.equals(want);
      }
      int next = same ? inARow + 1 : 0;
      if (same) sample(upstream, servers, next, deadline, done);
      else vertx.setTimer(50, t -> sample(upstream, servers, next, deadline, done));
    });
  }

  @Override
  public Future<Void> check(String upstream) {
    return Future.succeededFuture();
  }

  @Override
  public Future<JsonObject> upstream(String upstream) {
    return status().map(s -> {
      JsonArray servers = new JsonArray();
      JsonArray levels = s.getJsonArray("cls:" + upstream, new JsonArray());
      for (int i = 0; i < levels.size(); i++) {
        JsonArray level = levels.getJsonArray(i);
        for (int j = 0; j < level.size(); j++) {
          JsonObject sv = level.getJsonObject(j);
          String id = sv.getString("server", "");
          servers.add(new JsonObject().put("address", id.substring(Math.min(id.length(), upstream.length() + 1)))
              .put("weight", sv.getInteger("weight", 1)).put("status", sv.getString("status"))
              .put("failures", sv.getInteger("fail_num", 0)).put("message", sv.getString("msg")));
        }
      }
      return new JsonObject().put("instance", address).put("present", s.containsKey("cls:" + upstream)).put("servers", servers);
    });
  }

  /** nginx stub status: active connections, accepted and handled connections, requests. */
  @Override
  public Future<JsonObject> top() {
    return http.get("/y_nginx_status").timeout(TIMEOUT_MS).send().map(r -> {
      if (r.statusCode() != 200) throw new LbRefused("slardar " + address + ": GET /y_nginx_status answered " + r.statusCode());
      String[] lines = r.bodyAsString().split("\n");
      JsonObject o = new JsonObject().put("instance", address);
      o.put("active", Long.parseLong(lines[0].replaceAll("[^0-9]", "")));
      String[] n = lines[2].trim().split("\\s+");
      o.put("accepts", Long.parseLong(n[0])).put("handled", Long.parseLong(n[1])).put("requests", Long.parseLong(n[2]));
      String[] rw = lines[3].trim().split("\\s+");
      o.put("reading", Long.parseLong(rw[1])).put("writing", Long.parseLong(rw[3])).put("waiting", Long.parseLong(rw[5]));
      return o;
    });
  }

  // ---- Lua code (Slardar only) -------------------------------------------------------------------

  public Future<JsonObject> luaList() {
    return http.get("/lua").timeout(TIMEOUT_MS).send().map(r -> json(r, "GET /lua"));
  }

  /** Stores code (not active yet). */
  public Future<Void> luaLoad(String name, String code) {
    return http.post("/lua/" + name).timeout(TIMEOUT_MS).sendBuffer(Buffer.buffer(code)).compose(r -> ok(r, "POST /lua/" + name));
  }

  /** Activates stored code ({@code name} null: all of it). */
  public Future<Void> luaActivate(String name) {
    String path = name == null ? "/lua" : "/lua/" + name;
    return http.put(path).timeout(TIMEOUT_MS).send().compose(r -> ok(r, "PUT " + path));
  }

  public Future<Void> luaUnload(String name) {
    return http.delete("/lua/" + name).timeout(TIMEOUT_MS).send().compose(r -> ok(r, "DELETE /lua/" + name));
  }

  /** The Lua endpoints answer 200 to everything: the body, "ok" or an error text, says which. */
  private Future<Void> ok(HttpResponse<Buffer> r, String what) {
    String body = r.bodyAsString() == null ? "" : r.bodyAsString().trim();
    if (body.startsWith("\"") && body.endsWith("\"") && body.length() >= 2) body = body.substring(1, body.length() - 1);
    if (r.statusCode() == 200 && body.equals("ok")) return Future.succeededFuture();
    return Future.failedFuture(new LbRefused("slardar " + address + " " + what + ": " + (body.isEmpty() ? "HTTP " + r.statusCode() : body)));
  }

  private Future<Void> checked(HttpResponse<Buffer> r, String what) {
    if (r.statusCode() == 200) return Future.succeededFuture();
    return Future.failedFuture(new LbRefused("slardar " + address + " " + what + ": " + message(r)));
  }

  private static String message(HttpResponse<Buffer> r) {
    try {
      JsonObject o = r.bodyAsJsonObject();
      if (o != null && o.getString("msg") != null) return o.getString("msg");
    } catch (RuntimeException ignored) {
      // not JSON: the raw text below
    }
    return "HTTP " + r.statusCode() + " " + (r.bodyAsString() == null ? "" : r.bodyAsString());
  }

  private JsonObject json(HttpResponse<Buffer> r, String what) {
    if (r.statusCode() != 200) throw new LbRefused("slardar " + address + " " + what + ": " + message(r));
    return r.bodyAsJsonObject();
  }

  private static List<Server> sorted(List<Server> l) {
    l.sort(Comparator.comparing(Server::host).thenComparingInt(Server::port));
    return l;
  }

  @Override
  public void close() {
    http.close();
    fresh.close();
  }
}
