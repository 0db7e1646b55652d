package io.upone.server.consul;

import io.upone.core.ConsulLabels;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.HealthCheck;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import io.upone.lb.Upstreams;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.consul.CheckOptions;
import io.vertx.ext.consul.CheckStatus;
import io.vertx.ext.consul.ServiceOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which service instances an app should have in Consul, from the projection alone. An app opts in
 * with labels ({@link ConsulLabels}); tags are the labels whose value is {@code tag}, plus
 * {@code consul-tags} (comma separated). Each RUNNING task that takes traffic (healthy, when the app has
 * health checks: the load balancers' rule) is one instance, id {@code upone-<task id>}, with a
 * check: the app's HTTP health check if it has one, else TCP on the port.
 */
public final class ServiceInstances {
  /** Meta key marking a registration as upone's: stale ones are removed on resync. */
  static final String OWNER_META = "upone-task";
  static final String ID_PREFIX = "upone-";

  private ServiceInstances() {}

  static List<String> tags(AppSpec app) {
    List<String> out = new ArrayList<>();
    new TreeMap<>(app.getLabelsMap()).forEach((k, v) -> {
      if ("tag".equals(v)) out.add(k);
    });
    String list = app.getLabelsMap().get(ConsulLabels.TAGS);
    if (list != null) for (String t : list.split(",")) if (!t.isBlank() && !out.contains(t.trim())) out.add(t.trim());
    return out;
  }

  static String idOf(String taskId) {
    return ID_PREFIX + taskId;
  }

  /** The app's instances by registration id: empty if it does not opt in. */
  static Map<String, ServiceOptions> of(State s, AppSpec app) {
    Optional<String> name = ConsulLabels.serviceName(app);
    if (name.isEmpty() || ConsulLabels.problem(app).isPresent()) return Map.of();
    int portIndex = ConsulLabels.portIndex(app);
    List<String> tags = tags(app);
    Map<String, ServiceOptions> out = new LinkedHashMap<>();
    for (Task t : s.tasksOf(app.getId())) {
      if (!Upstreams.serves(app, t)) continue;
      int[] ports = t.hostPorts();
      int port = portIndex < ports.length ? ports[portIndex] : 0;
      ServiceOptions o = new ServiceOptions().setId(idOf(t.id())).setName(name.get()).setTags(tags)
          .setAddress(t.hostname()).setPort(port)
          .setMeta(Map.of(OWNER_META, t.id(), "upone-app", app.getId()));
      check(app, t.hostname(), port).ifPresent(o::setCheckOptions);
      out.put(o.getId(), o);
    }
    return out;
  }

  private static Optional<CheckOptions> check(AppSpec app, String host, int port) {
    if (port == 0) return Optional.empty();
    HealthCheck http = app.getHealthChecksList().stream()
        .filter(h -> h.getProtocol().toUpperCase().startsWith("HTTP") || h.getProtocol().toUpperCase().endsWith("_HTTP"))
        .findFirst().orElse(null);
    // upone registers a task only once it takes traffic: the check starts passing
    CheckOptions c = new CheckOptions().setStatus(CheckStatus.PASSING).setDeregisterAfter("10m");
    if (http != null) {
      String scheme = http.getProtocol().toUpperCase().contains("HTTPS") ? "https" : "http";
      String path = http.getPath().isEmpty() ? "/" : http.getPath();
      c.setHttp(scheme + "://" + host + ":" + port + (path.startsWith("/") ? path : "/" + path))
          .setInterval(Math.max(1, http.getIntervalSeconds()) + "s");
    } else {
      c.setTcp(host + ":" + port).setInterval("10s");
    }
    return Optional.of(c);
  }

  /** What is compared to decide whether a registration must be sent again. */
  static JsonObject comparable(ServiceOptions o) {
    return new JsonObject().put("name", o.getName()).put("tags", o.getTags()).put("address", o.getAddress())
        .put("port", o.getPort()).put("meta", new JsonObject(new TreeMap<>(o.getMeta())));
  }
}
