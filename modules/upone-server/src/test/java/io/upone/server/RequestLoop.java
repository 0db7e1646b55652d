package io.upone.server;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client of an app, as a load balancer would be one: before each request it asks the API which
 * tasks are RUNNING and healthy, picks one, and asks it for its version. Bounded: it stops when
 * told, or after {@code maxRequests}. Counts answers per version and every failed request.
 */
final class RequestLoop implements AutoCloseable {
  final AtomicInteger ok = new AtomicInteger();
  final AtomicInteger failed = new AtomicInteger();
  final Map<String, AtomicInteger> versions = new ConcurrentHashMap<>();
  final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Thread thread;

  RequestLoop(TestNode node, String appId, int maxRequests) {
    thread = new Thread(() -> {
      for (int i = 0; i < maxRequests && !stop.get(); i++) once(node, appId);
    }, "request-loop");
    thread.start();
  }

  private void once(TestNode node, String appId) {
    List<Integer> ports = new ArrayList<>();
    for (Object o : node.get("/v1/apps" + appId + "/tasks").json().getJsonArray("tasks")) {
      JsonObject t = (JsonObject) o;
      if ("TASK_RUNNING".equals(t.getString("state")) && Boolean.TRUE.equals(t.getBoolean("healthy"))) {
        ports.add(t.getJsonArray("ports").getInteger(0));
      }
    }
    if (ports.isEmpty()) {
      failed.incrementAndGet();
      failures.add("no healthy task listed");
      return;
    }
    int port = ports.get(ThreadLocalRandom.current().nextInt(ports.size()));
    try {
      HttpResponse<String> r = TestNode.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        ok.incrementAndGet();
        versions.computeIfAbsent(r.body(), k -> new AtomicInteger()).incrementAndGet();
      } else {
        failed.incrementAndGet();
        failures.add("port " + port + ": HTTP " + r.statusCode());
      }
    } catch (Exception e) {
      failed.incrementAndGet();
      failures.add("port " + port + ": " + e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    thread.join(30_000);
  }
}
