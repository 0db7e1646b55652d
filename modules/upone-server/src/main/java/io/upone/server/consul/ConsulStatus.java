package io.upone.server.consul;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * How each part of the Consul integration is doing, for {@code GET /v1/consul} and the logs:
 * whether its last exchange with Consul worked, and if not, why and since when. Written by the
 * integration's verticles, read by the HTTP API; every method is synchronized.
 */
public final class ConsulStatus {
  private final String address;
  private final Map<String, Part> parts = new TreeMap<>();

  ConsulStatus(String address) {
    this.address = address;
  }

  synchronized Part part(String name) {
    return parts.computeIfAbsent(name, n -> new Part());
  }

  public synchronized JsonObject json() {
    JsonObject out = new JsonObject().put("enabled", true).put("address", address);
    JsonObject ps = new JsonObject();
    parts.forEach((n, p) -> ps.put(n, p.json()));
    return out.put("parts", ps);
  }

  /** One part: the registrations, the KV env watch or the node meta watch. */
  static final class Part {
    private boolean ok;
    private String error = "";
    private long failingSinceMs;
    private long lastOkMs;
    private long index;
    private final Map<String, Object> facts = new TreeMap<>();

    synchronized void ok(long consulIndex) {
      ok = true;
      error = "";
      failingSinceMs = 0;
      lastOkMs = System.currentTimeMillis();
      if (consulIndex > 0) index = consulIndex;
    }

    synchronized void failed(String why) {
      if (ok || failingSinceMs == 0) failingSinceMs = System.currentTimeMillis();
      ok = false;
      error = why;
    }

    synchronized void fact(String name, Object value) {
      facts.put(name, value);
    }

    synchronized JsonObject json() {
      JsonObject o = new JsonObject().put("ok", ok).put("lastOkMs", lastOkMs).put("index", index);
      if (!ok) o.put("error", error).put("failingSinceMs", failingSinceMs);
      facts.forEach(o::put);
      return o;
    }
  }
}
