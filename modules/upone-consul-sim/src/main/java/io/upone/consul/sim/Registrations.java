package io.upone.consul.sim;

import io.upone.consul.sim.SimStore.Check;
import io.upone.consul.sim.SimStore.Node;
import io.upone.consul.sim.SimStore.Service;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decodes and checks registration bodies the way the agent does: field names matched without
 * regard to case (Consul decodes with mapstructure), the agent's checks on names, meta and check
 * definitions, and its error texts. A body that fails is refused whole.
 */
final class Registrations {
  private static final Pattern META_KEY = Pattern.compile("[a-zA-Z0-9_-]+");
  private static final List<String> STATUSES = List.of("passing", "warning", "critical", "maintenance");

  /** A refusal: the HTTP status and Consul's text. */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private Registrations() {}

  static JsonObject body(String text) {
    if (text == null || text.isBlank()) throw new Refused(400, "Request decode failed: EOF");
    try {
      Object v = io.vertx.core.json.Json.decodeValue(text);
      if (v instanceof JsonObject o) return o;
      throw new Refused(400, "Request decode failed: json: cannot unmarshal " + kind(v) + " into Go value of type structs.ServiceDefinition");
    } catch (io.vertx.core.json.DecodeException e) {
      throw new Refused(400, "Request decode failed: invalid character in JSON body");
    }
  }

  private static String kind(Object v) {
    return v instanceof JsonArray ? "array" : v instanceof String ? "string" : v instanceof Number ? "number" : "value";
  }

  /** The value of {@code name} in {@code o}, matched without regard to case (and {@code _}). */
  static Object field(JsonObject o, String... names) {
    for (String n : names) {
      for (Map.Entry<String, Object> e : o) {
        if (e.getKey().replace("_", "").equalsIgnoreCase(n)) return e.getValue();
      }
    }
    return null;
  }

  static String string(JsonObject o, String... names) {
    Object v = field(o, names);
    if (v == null) return null;
    if (!(v instanceof String s)) throw new Refused(400, "Request decode failed: " + names[0] + ": expected a string");
    return s;
  }

  private static int integer(JsonObject o, String name) {
    Object v = field(o, name);
    if (v == null) return 0;
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new Refused(400, "Request decode failed: json: cannot unmarshal " + kind(v) + " into Go struct field " + name + " of type int");
    }
    return n.intValue();
  }

  private static List<String> strings(JsonObject o, String name) {
    Object v = field(o, name);
    List<String> out = new ArrayList<>();
    if (v == null) return out;
    if (!(v instanceof JsonArray a)) throw new Refused(400, "Request decode failed: " + name + ": expected a list of strings");
    for (Object x : a) {
      if (!(x instanceof String s)) throw new Refused(400, "Request decode failed: " + name + ": expected a list of strings");
      out.add(s);
    }
    return out;
  }

  /** Meta as the agent checks it: at most 64 pairs, keys of letters, digits, - and _, "consul-" reserved. */
  private static Map<String, String> meta(JsonObject o, String name, String what) {
    Object v = field(o, name);
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null) return out;
    if (!(v instanceof JsonObject m)) throw new Refused(400, "Request decode failed: " + name + ": expected an object");
    if (m.size() > 64) throw new Refused(400, "Invalid " + what + ": Node metadata cannot contain more than 64 key/value pairs");
    for (Map.Entry<String, Object> e : m) {
      String k = e.getKey();
      if (!(e.getValue() instanceof String val)) throw new Refused(400, "Request decode failed: " + name + "." + k + ": expected a string");
      if (k.isEmpty() || k.length() > 128 || !META_KEY.matcher(k).matches()) {
        throw new Refused(400, "Invalid " + what + ": Couldn't load metadata pair ('" + k + "', '" + val + "'): Key contains invalid characters");
      }
      if (k.startsWith("consul-")) {
        throw new Refused(400, "Invalid " + what + ": Couldn't load metadata pair ('" + k + "', '" + val + "'): Key prefix 'consul-' is reserved for internal use");
      }
      if (val.length() > 512) {
        throw new Refused(400, "Invalid " + what + ": Couldn't load metadata pair ('" + k + "', ...): Value is too long (limit: 512 characters)");
      }
      out.put(k, val);
    }
    return out;
  }

  /** {@code PUT /v1/agent/service/register}: the service and its checks, on the agent's node. */
  static Service service(JsonObject o, String node, List<Check> checksOut) {
    Service s = new Service();
    s.node = node;
    s.name = string(o, "Name");
    if (s.name == null || s.name.isEmpty()) throw new Refused(400, "Missing service name");
    s.id = string(o, "ID");
    if (s.id == null || s.id.isEmpty()) s.id = s.name;
    s.tags = strings(o, "Tags");
    s.address = string(o, "Address") == null ? "" : string(o, "Address");
    s.port = integer(o, "Port");
    if (s.port < 0 || s.port > 65535) throw new Refused(400, "Invalid Service: port must be between 0 and 65535");
    s.meta = meta(o, "Meta", "Service Meta");
    s.enableTagOverride = Boolean.TRUE.equals(field(o, "EnableTagOverride"));
    if (field(o, "Weights") instanceof JsonObject w) {
      s.weightPassing = integer(w, "Passing");
      s.weightWarning = integer(w, "Warning");
      if (s.weightPassing < 1) throw new Refused(400, "Passing must be greater than 0");
    }
    List<JsonObject> defs = new ArrayList<>();
    if (field(o, "Check") instanceof JsonObject c) defs.add(c);
    if (field(o, "Checks") instanceof JsonArray cs) for (Object c : cs) if (c instanceof JsonObject co) defs.add(co);
    for (int i = 0; i < defs.size(); i++) {
      Check c = check(defs.get(i), node);
      if (c.id == null) c.id = "service:" + s.id + (defs.size() > 1 ? ":" + (i + 1) : "");
      if (c.name == null) c.name = "Service '" + s.name + "' check";
      c.serviceId = s.id;
      c.serviceName = s.name;
      c.serviceTags = new ArrayList<>(s.tags);
      checksOut.add(c);
    }
    return s;
  }

  /**
   * A check definition (TTL, HTTP or TCP): an HTTP or TCP check needs an interval, a TTL check
   * a TTL; the status starts critical unless given.
   */
  static Check check(JsonObject o, String node) {
    Check c = new Check();
    c.node = node;
    c.id = string(o, "CheckID", "ID");
    if (c.id != null && c.id.isEmpty()) c.id = null;
    c.name = string(o, "Name");
    c.notes = orEmpty(string(o, "Notes"));
    String status = string(o, "Status");
    c.status = status == null || status.isEmpty() ? "critical" : status;
    if (!STATUSES.contains(c.status)) throw new Refused(400, "Invalid check: Status must be one of " + STATUSES);
    String ttl = string(o, "TTL");
    String http = string(o, "HTTP");
    String tcp = string(o, "TCP");
    String interval = string(o, "Interval");
    JsonObject def = new JsonObject();
    if (ttl != null && !ttl.isEmpty()) {
      if (durationOrZero(ttl) <= 0) throw new Refused(400, "Invalid check: TTL must be > 0 for TTL checks");
      c.type = "ttl";
      def.put("TTL", ttl);
    } else if ((http != null && !http.isEmpty()) || (tcp != null && !tcp.isEmpty())) {
      if (interval == null || durationOrZero(interval) <= 0) {
        throw new Refused(400, "Invalid check: Interval must be > 0 for Script, HTTP, H2PING, TCP or UDP checks");
      }
      c.type = http != null && !http.isEmpty() ? "http" : "tcp";
      if (http != null && !http.isEmpty()) def.put("HTTP", http);
      else def.put("TCP", tcp);
      def.put("Interval", interval);
      String timeout = string(o, "Timeout");
      if (timeout != null) def.put("Timeout", timeout);
    } else {
      throw new Refused(400, "Invalid check: Must provide TTL or Script/DockerContainerID/HTTP/UDP/TCP/H2PING/GRPC/AliasNode/AliasService/OSService");
    }
    String deregister = string(o, "DeregisterCriticalServiceAfter");
    if (deregister != null) def.put("DeregisterCriticalServiceAfter", deregister);
    c.definition = def;
    String serviceId = string(o, "ServiceID");
    c.serviceId = orEmpty(serviceId);
    return c;
  }

  private static long durationOrZero(String d) {
    try {
      return Blocking.durationMs(d);
    } catch (IllegalArgumentException e) {
      throw new Refused(400, "Request decode failed: time: invalid duration \"" + d + "\"");
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** {@code PUT /v1/catalog/register}: a node (with meta), optionally a service and checks on it. */
  static Node node(JsonObject o, Node old) {
    String name = string(o, "Node");
    if (name == null || name.isEmpty()) throw new Refused(400, "Must provide node");
    String address = string(o, "Address");
    if (address == null || address.isEmpty()) throw new Refused(400, "Must provide address");
    Node n = new Node();
    n.name = name;
    String id = string(o, "ID");
    n.id = id != null && !id.isEmpty() ? id : old != null ? old.id : SimStore.uuidOf(name);
    n.address = address;
    if (field(o, "TaggedAddresses") instanceof JsonObject t) t.forEach(e -> n.tagged.put(e.getKey(), String.valueOf(e.getValue())));
    n.meta = meta(o, "NodeMeta", "Node Meta");
    return n;
  }

  /** The service of a catalog registration: named {@code Service}, not {@code Name}. */
  static Service catalogService(JsonObject o, String node) {
    Service s = new Service();
    s.node = node;
    s.name = string(o, "Service");
    if (s.name == null || s.name.isEmpty()) throw new Refused(400, "Must provide service name with ID");
    s.id = string(o, "ID");
    if (s.id == null || s.id.isEmpty()) s.id = s.name;
    s.tags = strings(o, "Tags");
    s.address = orEmpty(string(o, "Address"));
    s.port = integer(o, "Port");
    s.meta = meta(o, "Meta", "Service Meta");
    return s;
  }

  /** A check of a catalog registration: a status as reported, no definition to run. */
  static Check catalogCheck(JsonObject o, String node) {
    Check c = new Check();
    c.node = node;
    c.id = string(o, "CheckID");
    if (c.id == null || c.id.isEmpty()) throw new Refused(400, "Missing check ID");
    c.name = orEmpty(string(o, "Name"));
    c.notes = orEmpty(string(o, "Notes"));
    c.output = orEmpty(string(o, "Output"));
    String status = string(o, "Status");
    c.status = status == null || status.isEmpty() ? "critical" : status;
    if (!STATUSES.contains(c.status)) throw new Refused(400, "Invalid check status: \"" + c.status + "\"");
    c.serviceId = orEmpty(string(o, "ServiceID"));
    if (field(o, "Definition") instanceof JsonObject d) c.definition = d.copy();
    return c;
  }
}
