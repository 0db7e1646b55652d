package io.upone.lb;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HAProxy instance through its runtime API; never a reload. An upstream is a {@code backend}
 * of the same name in HAProxy's configuration (backends cannot be created at run time); upone
 * adds its servers with {@code add server}, named {@code u_<ip>_<port>}, and removes them with
 * {@code set server state drain}, then {@code maint}, then {@code del server} (which HAProxy
 * refuses while connections remain: the removal is retried). Servers with other names are the
 * operator's and are left alone.
 */
public final class HaproxyClient implements LbInstance {
  static final String PREFIX = "u_";
  /** srv_admin_state bits (HAProxy's SRV_ADMF_*): forced maintenance and forced drain. */
  private static final int FMAINT = 0x01;
  private static final int FDRAIN = 0x08;
  private final String address;
  private final HaproxyRuntime runtime;

  public HaproxyClient(Vertx vertx, String address) {
    this.address = address;
    this.runtime = new HaproxyRuntime(vertx, address);
  }

  @Override
  public String address() {
    return address;
  }

  /** A server line of {@code show servers state}. */
  record Row(String backend, String name, String addr, int port, int opState, int adminState, int weight) {
    Server server() {
      return new Server(addr, port, weight, "");
    }

    boolean ready() {
      return adminState == 0;
    }
  }

  static String serverName(Server s) {
    return PREFIX + s.host().replace(':', '_') + "_" + s.port();
  }

  @Override
  public Future<String> identity() {
    return runtime.send("show info").map(info -> {
      String pid = field(info, "Pid");
      String start = field(info, "Start_time_sec");
      if (pid == null) throw new LbRefused("haproxy " + address + ": show info: " + info);
      return pid + "/" + start;
    });
  }

  private static String field(String info, String name) {
    for (String line : info.split("\n")) if (line.startsWith(name + ":")) return line.substring(name.length() + 1).trim();
    return null;
  }

  /** {@code show servers state [backend]}: rows of upone's servers; refused for an unknown backend. */
  Future<List<Row>> rows(String backend) {
    return runtime.send(backend == null ? "show servers state" : "show servers state " + backend).map(text -> {
      String[] lines = text.split("\n");
      if (lines.length == 0 || !lines[0].trim().equals("1")) {
        throw new LbRefused("haproxy " + address + ": " + (backend == null ? "" : "backend " + backend + ": ") + text.trim());
      }
      List<Row> out = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        if (lines[i].startsWith("#") || lines[i].isBlank()) continue;
        String[] f = lines[i].trim().split(" ");
        if (f.length < 19 || !f[3].startsWith(PREFIX)) continue;
        out.add(new Row(f[1], f[3], f[4], Integer.parseInt(f[18]), Integer.parseInt(f[5]), Integer.parseInt(f[6]),
            Integer.parseInt(f[7])));
      }
      return out;
    });
  }

  @Override
  public Future<Map<String, List<Server>>> managed() {
    return rows(null).map(rows -> {
      Map<String, List<Server>> out = new TreeMap<>();
      for (Row r : rows) {
        List<Server> l = out.computeIfAbsent(r.backend(), k -> new ArrayList<>());
        // a server on its way out (drain/maint) is listed with weight 0: it differs from anything
        // desired, so a resync brings it back or finishes removing it
        l.add(r.ready() ? r.server() : new Server(r.addr(), r.port(), 0, ""));
      }
      out.values().forEach(HaproxyClient::sort);
      return out;
    });
  }

  @Override
  public Future<List<Server>> push(String backend, List<Server> servers) {
    return rows(backend).compose(rows -> {
      Map<String, Row> have = new HashMap<>();
      for (Row r : rows) have.put(r.name(), r);
      List<String> commands = new ArrayList<>();
      List<String> removals = new ArrayList<>();
      for (Server s : servers) {
        String name = serverName(s);
        Row r = have.remove(name);
        String id = backend + "/" + name;
        if (r == null) {
          commands.add("add server " + id + " " + s.address() + " weight " + s.weight());
          commands.add("set server " + id + " state ready");
        } else {
          if (r.weight() != s.weight()) commands.add("set server " + id + " weight " + s.weight());
          if (!r.ready()) commands.add("set server " + id + " state ready");
        }
      }
      for (Row r : have.values()) {
        String id = backend + "/" + r.name();
        if ((r.adminState() & (FDRAIN | FMAINT)) == 0) commands.add("set server " + id + " state drain");
        if ((r.adminState() & FMAINT) == 0) commands.add("set server " + id + " state maint");
        removals.add("del server " + id);
      }
      return run(commands, 0).compose(v -> remove(removals, 0, null)).compose(pending -> rows(backend).map(after -> {
        List<Server> ready = new ArrayList<>();
        for (Row r : after) if (r.ready()) ready.add(r.server());
        if (pending != null) throw new LbPending(pending);
        return sort(ready);
      }));
    });
  }

  private Future<Void> run(List<String> commands, int i) {
    if (i >= commands.size()) return Future.succeededFuture();
    return runtime.send(commands.get(i)).compose(answer -> {
      String a = answer.trim();
      // successful commands answer nothing, or "New server registered."
      if (!a.isEmpty() && !a.startsWith("New server registered")) {
        return Future.failedFuture(new LbRefused("haproxy " + address + ": " + commands.get(i) + ": " + a));
      }
      return run(commands, i + 1);
    });
  }

  /** Deletes what it can; a server that still has connections stays in maintenance for the next try. */
  private Future<String> remove(List<String> dels, int i, String pending) {
    if (i >= dels.size()) return Future.succeededFuture(pending);
    return runtime.send(dels.get(i)).compose(answer -> {
      String a = answer.trim();
      String next = pending;
      if (!a.startsWith("Server deleted")) next = "haproxy " + address + ": " + dels.get(i) + ": " + a;
      return remove(dels, i + 1, next);
    });
  }

  @Override
  public Future<Void> check(String backend) {
    return rows(backend).mapEmpty();
  }

  @Override
  public Future<JsonObject> upstream(String backend) {
    return runtime.send("show servers state " + backend).map(text -> {
      String[] lines = text.split("\n");
      JsonObject o = new JsonObject().put("instance", address);
      if (lines.length == 0 || !lines[0].trim().equals("1")) return o.put("present", false).put("message", text.trim());
      JsonArray servers = new JsonArray();
      for (int i = 1; i < lines.length; i++) {
        if (lines[i].startsWith("#") || lines[i].isBlank()) continue;
        String[] f = lines[i].trim().split(" ");
        if (f.length < 19) continue;
        int admin = Integer.parseInt(f[6]);
        servers.add(new JsonObject().put("name", f[3]).put("address", f[4] + ":" + f[18])
            .put("weight", Integer.parseInt(f[7]))
            .put("status", (admin & FMAINT) != 0 ? "maint" : (admin & FDRAIN) != 0 ? "drain" : "2".equals(f[5]) ? "up" : "down")
            .put("managed", f[3].startsWith(PREFIX)));
      }
      return o.put("present", true).put("servers", servers);
    });
  }

  /** {@code show stat}: per frontend, backend and server: sessions, request rate, errors. */
  @Override
  public Future<JsonObject> top() {
    return runtime.send("show stat").map(csv -> {
      String[] lines = csv.split("\n");
      String[] head = lines[0].replaceFirst("^# ", "").split(",");
      Map<String, Integer> col = new HashMap<>();
      for (int i = 0; i < head.length; i++) col.put(head[i], i);
      JsonArray rows = new JsonArray();
      for (int i = 1; i < lines.length; i++) {
        String[] f = lines[i].split(",", -1);
        if (f.length < head.length - 1) continue;
        JsonObject r = new JsonObject().put("proxy", f[col.get("pxname")]).put("name", f[col.get("svname")])
            .put("status", f[col.get("status")]);
        for (String k : List.of("scur", "stot", "rate", "req_rate", "req_tot", "ereq", "econ", "eresp", "hrsp_5xx")) {
          Integer c = col.get(k);
          String v = c == null || c >= f.length ? "" : f[c];
          r.put(k, v.isEmpty() ? 0L : Long.parseLong(v));
        }
        rows.add(r);
      }
      return new JsonObject().put("instance", address).put("rows", rows);
    });
  }

  private static List<Server> sort(List<Server> l) {
    l.sort(Comparator.comparing(Server::host).thenComparingInt(Server::port));
    return l;
  }

  @Override
  public void close() {
    runtime.close();
  }
}
