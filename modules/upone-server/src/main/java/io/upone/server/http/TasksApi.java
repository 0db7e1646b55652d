package io.upone.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upone.core.Problem;
import io.upone.core.command.AppCommands;
import io.upone.core.proto.AppSpec;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import io.upone.eventlog.EventLog;
import io.upone.server.lifecycle.LifecycleClient;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;

/** {@code /v1/tasks} and {@code /v1/apps/{id}/tasks}: tasks with their states and times; kill. */
public final class TasksApi {
  private final EventLog log;
  private final LifecycleClient lifecycle;
  private final LeaderForwarder forwarder;

  public TasksApi(EventLog log, LifecycleClient lifecycle, LeaderForwarder forwarder) {
    this.log = log;
    this.lifecycle = lifecycle;
    this.forwarder = forwarder;
  }

  public void list(RoutingContext ctx) {
    send(ctx, ReadViews.of(ctx, log).tasks());
  }

  public void ofApp(RoutingContext ctx, String id) {
    try {
      State s = ReadViews.of(ctx, log);
      send(ctx, s.tasksOf(AppCommands.existing(s, id).getId()));
    } catch (Problem.Failure f) {
      Problems.send(ctx.response(), f.problem());
    }
  }

  private static void send(RoutingContext ctx, Collection<Task> tasks) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    tasks.stream().sorted(Comparator.comparing(Task::appId).thenComparing(Task::launchedAtMs).thenComparing(Task::id))
        .forEach(t -> a.add(json(t)));
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.set("tasks", a);
    AppsApi.json(ctx, 200, out);
  }

  static ObjectNode json(Task t) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", t.id()).put("appId", t.appId()).put("version", t.appVersion()).put("agentId", t.agentId())
        .put("host", t.hostname()).put("state", t.state().name());
    ArrayNode ports = o.putArray("ports");
    for (int p : t.hostPorts()) ports.add(p);
    if (t.healthy() != null) o.put("healthy", t.healthy());
    if (t.ready()) o.put("ready", true);
    if (!t.message().isEmpty()) o.put("message", t.message());
    o.put("stagedAt", Instant.ofEpochMilli(t.launchedAtMs()).toString());
    if (t.runningAtMs() > 0) o.put("startedAt", Instant.ofEpochMilli(t.runningAtMs()).toString());
    o.put("updatedAt", Instant.ofEpochMilli(t.updatedAtMs()).toString());
    return o;
  }

  /** {@code DELETE /v1/tasks/{id}[?scale=true]}: kill; with scale the app's instances go down by one first. */
  public void kill(RoutingContext ctx, String taskId) {
    if (!log.isLeader()) {
      forwarder.forward(ctx);
      return;
    }
    String scaleParam = ctx.request().getParam("scale", "false");
    if (!scaleParam.equals("true") && !scaleParam.equals("false")) {
      Problems.send(ctx.response(), Problem.invalid("scale", "must be true or false"));
      return;
    }
    State s = log.view();
    Task t = s.task(taskId).orElse(null);
    if (t == null) {
      Problems.send(ctx.response(), Problem.notFound("task_not_found", "task " + taskId + " does not exist"));
      return;
    }
    Future<Void> scaled = Future.succeededFuture();
    if (scaleParam.equals("true")) {
      AppSpec app = s.app(t.appId()).orElse(null);
      if (app != null && app.getInstances() > 0) {
        try {
          scaled = Future.fromCompletionStage(log.append(AppCommands.scale(s, app.getId(),
              app.getInstances() - 1, app.getVersion(), System.currentTimeMillis())), ctx.vertx().getOrCreateContext()).mapEmpty();
        } catch (Problem.Failure f) {
          scaled = Future.failedFuture(f);
        }
      }
    }
    scaled.compose(v -> lifecycle.killTask(taskId)).onSuccess(v -> {
      ObjectNode out = json(t);
      out.put("killing", true);
      AppsApi.json(ctx, 202, out);
    }).onFailure(e -> Problems.send(ctx.response(), e));
  }
}
