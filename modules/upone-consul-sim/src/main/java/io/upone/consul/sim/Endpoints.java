package io.upone.consul.sim;

import static io.upone.consul.sim.ConsulSim.allowed;
import static io.upone.consul.sim.ConsulSim.send;

import io.upone.consul.sim.Registrations.Refused;
import io.upone.consul.sim.SimStore.Check;
import io.upone.consul.sim.SimStore.KvEntry;
import io.upone.consul.sim.SimStore.Node;
import io.upone.consul.sim.SimStore.Service;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/** The routes of the fake: agent services and checks, catalog, health, KV. */
final class Endpoints {
  /** Consul's limit on one KV value. */
  static final int MAX_VALUE_BYTES = 512 * 1024;

  private final ConsulSim sim;
  private final SimStore store;

  Endpoints(ConsulSim sim) {
    this.sim = sim;
    this.store = sim.store;
  }

  void mount(Router r) {
    r.route().handler(BodyHandler.create().setBodyLimit(MAX_VALUE_BYTES + 1).setHandleFileUploads(false));
    r.route("/v1/agent/service/register").handler(c -> write(c, () -> registerService(c)));
    r.route("/v1/agent/service/deregister/:id").handler(c -> write(c, () -> deregisterService(c.pathParam("id"))));
    r.route("/v1/agent/services").handler(c -> read(c, false, this::agentServices));
    r.route("/v1/agent/check/register").handler(c -> write(c, () -> registerCheck(c)));
    r.route("/v1/agent/check/deregister/:id").handler(c -> write(c, () -> deregisterCheck(c.pathParam("id"))));
    r.route("/v1/agent/check/:verb/:id").handler(c -> write(c, () -> updateTtl(c.pathParam("verb"), c.pathParam("id"), c)));
    r.route("/v1/catalog/register").handler(c -> write(c, () -> catalogRegister(c)));
    r.route("/v1/catalog/nodes").handler(c -> read(c, true, this::nodes));
    r.route("/v1/catalog/node/:node").handler(c -> read(c, true, () -> node(c.pathParam("node"))));
    r.route("/v1/catalog/service/:name").handler(c -> read(c, true, () -> catalogService(c.pathParam("name"), c.request().getParam("tag"))));
    r.route("/v1/health/service/:name").handler(c -> read(c, true, () -> health(c.pathParam("name"), c.request().getParam("tag"),
        flag(c, "passing"))));
    r.route("/v1/status/leader").handler(c -> read(c, false, () -> Answer.json("127.0.0.1:8300", 0)));
    r.routeWithRegex("/v1/kv/.*").handler(this::kv);
  }

  private static boolean flag(RoutingContext c, String name) {
    return c.request().params().contains(name) && !"false".equals(c.request().getParam(name));
  }

  private void read(RoutingContext c, boolean blocks, Supplier<Answer> read) {
    if (!allowed(c, Set.of(HttpMethod.GET))) return;
    if (!blocks) {
      send(c, read.get());
      return;
    }
    sim.blocking().serve(c.request().getParam("index"), c.request().getParam("wait"), read, a -> send(c, a));
  }

  private void write(RoutingContext c, Supplier<Answer> write) {
    if (!allowed(c, Set.of(HttpMethod.PUT))) return;
    try {
      send(c, write.get());
    } catch (Refused e) {
      send(c, Answer.error(e.status, e.getMessage()));
    }
  }

  // ---- agent ---------------------------------------------------------------------------------

  private Answer registerService(RoutingContext c) {
    List<Check> checks = new ArrayList<>();
    Service s = Registrations.service(Registrations.body(c.body().asString()), store.agentNode, checks);
    // a re-registration replaces the service's checks
    Map<String, Check> old = store.checks.getOrDefault(store.agentNode, Map.of());
    old.values().removeIf(x -> x.serviceId.equals(s.id));
    store.putService(s);
    for (Check ch : checks) store.putCheck(ch);
    return Answer.empty();
  }

  private Answer deregisterService(String id) {
    if (!store.removeService(store.agentNode, id)) {
      return Answer.error(404, "Unknown service ID \"" + id + "\". Ensure that the service ID is passed, not the service name.");
    }
    return Answer.empty();
  }

  private Answer agentServices() {
    JsonObject out = new JsonObject();
    for (Service s : store.services.getOrDefault(store.agentNode, Map.of()).values()) out.put(s.id, Shapes.agentService(s));
    return Answer.json(out, 0);
  }

  private Answer registerCheck(RoutingContext c) {
    Check ch = Registrations.check(Registrations.body(c.body().asString()), store.agentNode);
    if (ch.name == null || ch.name.isEmpty()) throw new Refused(400, "Missing check name");
    if (ch.id == null) ch.id = ch.name;
    if (!ch.serviceId.isEmpty()) {
      Service s = store.service(store.agentNode, ch.serviceId);
      if (s == null) throw new Refused(400, "Invalid check: ServiceID \"" + ch.serviceId + "\" does not exist");
      ch.serviceName = s.name;
      ch.serviceTags = new ArrayList<>(s.tags);
    }
    store.putCheck(ch);
    return Answer.empty();
  }

  private Answer deregisterCheck(String id) {
    if (!store.removeCheck(store.agentNode, id)) {
      return Answer.error(404, "Unknown check ID \"" + id + "\". Ensure that the check ID is passed, not the check name.");
    }
    return Answer.empty();
  }

  /** {@code PUT /v1/agent/check/pass|warn|fail/:id}: a TTL check's status, with an optional note. */
  private Answer updateTtl(String verb, String id, RoutingContext c) {
    String status = switch (verb) {
      case "pass" -> "passing";
      case "warn" -> "warning";
      case "fail" -> "critical";
      default -> null;
    };
    if (status == null) return Answer.error(404, "404 page not found");
    Check ch = store.check(store.agentNode, id);
    if (ch == null) return Answer.error(404, "Unknown check ID \"" + id + "\". Ensure that the check ID is passed, not the check name.");
    if (!"ttl".equals(ch.type)) return Answer.error(500, "CheckID \"" + id + "\" does not have associated TTL");
    ch.status = status;
    String note = c.request().getParam("note");
    ch.output = note == null ? "" : note;
    store.putCheck(ch);
    return Answer.empty();
  }

  // ---- catalog -------------------------------------------------------------------------------

  private Answer catalogRegister(RoutingContext c) {
    JsonObject o = Registrations.body(c.body().asString());
    String name = Registrations.string(o, "Node");
    Node old = name == null ? null : store.nodes.get(name);
    Node n = Registrations.node(o, old);
    Service s = Registrations.field(o, "Service") instanceof JsonObject so ? Registrations.catalogService(so, n.name) : null;
    List<Check> checks = new ArrayList<>();
    if (Registrations.field(o, "Check") instanceof JsonObject co) checks.add(Registrations.catalogCheck(co, n.name));
    if (Registrations.field(o, "Checks") instanceof JsonArray ca) {
      for (Object x : ca) if (x instanceof JsonObject co) checks.add(Registrations.catalogCheck(co, n.name));
    }
    if (!Boolean.TRUE.equals(Registrations.field(o, "SkipNodeUpdate")) || old == null) store.putNode(n);
    if (s != null) store.putService(s);
    for (Check ch : checks) {
      Service of = ch.serviceId.isEmpty() ? null : store.service(n.name, ch.serviceId);
      if (of != null) {
        ch.serviceName = of.name;
        ch.serviceTags = new ArrayList<>(of.tags);
      }
      store.putCheck(ch);
    }
    return Answer.bool(true);
  }

  private Answer nodes() {
    JsonArray out = new JsonArray();
    for (Node n : store.nodes.values()) out.add(Shapes.node(n));
    return Answer.json(out, store.nodesIndex);
  }

  private Answer node(String name) {
    Node n = store.nodes.get(name);
    if (n == null) return Answer.jsonNull(store.catalogIndex);
    JsonObject services = new JsonObject();
    for (Service s : store.services.getOrDefault(name, Map.of()).values()) services.put(s.id, Shapes.service(s));
    return Answer.json(new JsonObject().put("Node", Shapes.node(n)).put("Services", services), store.catalogIndex);
  }

  private Answer catalogService(String name, String tag) {
    JsonArray out = new JsonArray();
    for (Service s : store.instancesOf(name)) {
      if (tag == null || s.tags.contains(tag)) out.add(Shapes.catalogService(store.nodes.get(s.node), s));
    }
    return Answer.json(out, store.catalogIndex);
  }

  private Answer health(String name, String tag, boolean passingOnly) {
    JsonArray out = new JsonArray();
    for (Service s : store.instancesOf(name)) {
      if (tag != null && !s.tags.contains(tag)) continue;
      List<Check> checks = store.checksOf(s);
      if (passingOnly && checks.stream().anyMatch(ch -> !"passing".equals(ch.status))) continue;
      JsonArray cs = new JsonArray();
      checks.forEach(ch -> cs.add(Shapes.check(ch)));
      out.add(new JsonObject().put("Node", Shapes.node(store.nodes.get(s.node))).put("Service", Shapes.service(s)).put("Checks", cs));
    }
    return Answer.json(out, store.catalogIndex);
  }

  // ---- KV ------------------------------------------------------------------------------------

  private void kv(RoutingContext c) {
    String key = decodePath(c.request().path().substring("/v1/kv/".length()));
    HttpMethod m = c.request().method();
    if (m == HttpMethod.GET) {
      sim.blocking().serve(c.request().getParam("index"), c.request().getParam("wait"), () -> kvRead(c, key), a -> send(c, a));
    } else if (m == HttpMethod.PUT) {
      send(c, kvPut(c, key));
    } else if (m == HttpMethod.DELETE) {
      send(c, kvDelete(c, key));
    } else {
      send(c, Answer.error(405, "method " + m + " not allowed"));
    }
  }

  private Answer kvRead(RoutingContext c, String key) {
    boolean recurse = c.request().params().contains("recurse");
    boolean keys = c.request().params().contains("keys");
    long index = store.kvIndexOf(key, recurse || keys);
    if (keys) {
      String sep = c.request().getParam("separator");
      Set<String> out = new TreeSet<>();
      for (KvEntry e : store.kvUnder(key)) {
        String rest = e.key().substring(key.length());
        int at = sep == null || sep.isEmpty() ? -1 : rest.indexOf(sep);
        out.add(at < 0 ? e.key() : key + rest.substring(0, at + sep.length()));
      }
      return out.isEmpty() ? Answer.notFound(index) : Answer.json(new JsonArray(new ArrayList<>(out)), index);
    }
    List<KvEntry> found = recurse ? store.kvUnder(key) : store.kv.containsKey(key) ? List.of(store.kv.get(key)) : List.of();
    if (found.isEmpty()) return Answer.notFound(index);
    if (c.request().params().contains("raw") && !recurse) {
      byte[] v = found.get(0).value();
      return new Answer(200, "text/plain; charset=utf-8", v == null ? "" : new String(v, StandardCharsets.UTF_8), index);
    }
    JsonArray out = new JsonArray();
    found.forEach(e -> out.add(Shapes.kv(e)));
    return Answer.json(out, index);
  }

  private Answer kvPut(RoutingContext c, String key) {
    if (key.isEmpty()) return Answer.error(400, "Missing key name");
    byte[] value = c.body().buffer() == null ? new byte[0] : c.body().buffer().getBytes();
    if (value.length > MAX_VALUE_BYTES) {
      return Answer.error(413, "Request body(" + value.length + " bytes) too large, max size: " + MAX_VALUE_BYTES + " bytes.");
    }
    Long flags = number(c, "flags");
    Long cas = number(c, "cas");
    if (flags != null && flags < 0 || cas != null && cas < 0) return Answer.error(400, "Invalid number");
    return Answer.bool(store.putKv(key, value.length == 0 ? null : value, flags == null ? 0 : flags, cas));
  }

  private Answer kvDelete(RoutingContext c, String key) {
    boolean recurse = c.request().params().contains("recurse");
    if (key.isEmpty() && !recurse) return Answer.error(400, "Missing key name");
    return Answer.bool(store.deleteKv(key, recurse, number(c, "cas")));
  }

  private static Long number(RoutingContext c, String name) {
    String v = c.request().getParam(name);
    if (v == null || v.isEmpty()) return null;
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return -1L;
    }
  }

  /** Percent-decoding of a path ('+' stays '+': it is not a space in a path). */
  static String decodePath(String p) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] b = p.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '%' && i + 2 < b.length) {
        out.write(Integer.parseInt(new String(b, i + 1, 2, StandardCharsets.US_ASCII), 16));
        i += 2;
      } else {
        out.write(b[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
