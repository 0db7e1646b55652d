package io.upone.agent;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The master's side of the agent protocol, just enough to watch one agent: heartbeats and status updates. */
public final class MasterDouble implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  public final List<JsonObject> statuses = new CopyOnWriteArrayList<>();
  public volatile JsonObject lastHeartbeat;
  public final Set<String> forget = ConcurrentHashMap.newKeySet();
  /** Added to every heartbeat answer (e.g. {@code term}, {@code kill}). */
  public volatile JsonObject answer = new JsonObject();
  /** While set, heartbeats get 503 (no leader): the agent has lost its master. */
  public volatile boolean down;
  public final java.util.concurrent.atomic.AtomicInteger heartbeats = new java.util.concurrent.atomic.AtomicInteger();
  private final HttpServer server;

  public MasterDouble() throws Exception {
    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create());
    r.post("/v1/agents/heartbeat").handler(c -> {
      heartbeats.incrementAndGet();
      if (down) {
        c.response().setStatusCode(503).end();
        return;
      }
      lastHeartbeat = c.body().asJsonObject();
      c.json(new JsonObject().put("heartbeatMs", 100).put("forget", new JsonArray(List.copyOf(forget))).mergeIn(answer));
    });
    r.post("/v1/agents/status").handler(c -> {
      statuses.add(c.body().asJsonObject());
      c.response().setStatusCode(200).end();
    });
    server = vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The newest status the agent sent for a task, or null. */
  public JsonObject status(String taskId) {
    JsonObject last = null;
    for (JsonObject s : statuses) if (taskId.equals(s.getString("taskId"))) last = s;
    return last;
  }

  public String state(String taskId) {
    JsonObject s = status(taskId);
    return s == null ? "" : s.getString("state");
  }

  /** Tasks in the last heartbeat: id → line. */
  public Map<String, JsonObject> heartbeatTasks() {
    Map<String, JsonObject> out = new ConcurrentHashMap<>();
    if (lastHeartbeat != null) lastHeartbeat.getJsonArray("tasks").forEach(o -> out.put(((JsonObject) o).getString("taskId"), (JsonObject) o));
    return out;
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
