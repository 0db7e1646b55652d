package io.upone.server.driver;

import io.upone.agent.Wire;
import io.upone.agent.master.NativeDriver;
import io.upone.core.Problem;
import io.upone.core.driver.ClusterDriver;
import io.upone.eventlog.EventLog;
import io.upone.server.config.SchedulerConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Predicate;

/**
 * upone's own agents: they register and report through {@code POST /v1/agents/heartbeat} and
 * {@code POST /v1/agents/status} on the leader (other members forward). Refusals fail the
 * request with a problem, which the API's failure handler writes as JSON.
 */
final class NativeMode extends DriverMode {
  private final SchedulerConfig config;
  private final EventLog log;
  private TaskLogs logs;
  private io.vertx.core.http.HttpClient outputClient;

  NativeMode(SchedulerConfig config, EventLog log) {
    super("native");
    this.config = config;
    this.log = log;
  }

  @Override
  protected ClusterDriver build(Vertx vertx, Context context) {
    NativeDriver driver = new NativeDriver(vertx, context, config.heartbeatMs(), config.agentTimeoutMs());
    outputClient = vertx.createHttpClient();
    logs = new TaskLogs(vertx, log, outputClient,
        agentId -> Future.future(p -> driver.agentUrl(agentId, p::complete)));
    return driver;
  }

  private NativeDriver agentsDriver() {
    return (NativeDriver) driver();
  }

  @Override
  public void routes(Router router, Predicate<RoutingContext> forwardedToLeader) {
    router.get("/v1/tasks/:id/logs").handler(ctx -> {
      if (forwardedToLeader.test(ctx)) return;
      if (logs == null) {
        ctx.fail(new Problem(Problem.Kind.UNAVAILABLE, "not_leader", "not driving agents now; retry", List.of()).asFailure());
        return;
      }
      logs.handle(ctx);
    });
    router.post("/v1/agents/heartbeat").handler(ctx -> {
      if (forwardedToLeader.test(ctx)) return;
      JsonObject body = body(ctx);
      if (body == null || !valid(ctx, () -> body.getJsonArray("tasks", new JsonArray())
          .forEach(t -> Wire.report(((JsonObject) t).copy().put("agentId", body.getString("agentId")))))) {
        return;
      }
      agentsDriver().heartbeat(body, answer -> {
        if (answer == null) {
          ctx.fail(new Problem(Problem.Kind.UNAVAILABLE, "not_leader", "not driving agents now; retry", List.of()).asFailure());
        } else {
          ctx.json(answer);
        }
      });
    });
    router.post("/v1/agents/status").handler(ctx -> {
      if (forwardedToLeader.test(ctx)) return;
      JsonObject body = body(ctx);
      if (body == null || !valid(ctx, () -> Wire.report(body))) return;
      agentsDriver().status(body, () -> ctx.response().setStatusCode(202).end());
    });
  }

  @Override
  public Future<JsonArray> agents() {
    return Future.future(p -> agentsDriver().describe(p::complete));
  }

  /** Asks the task's agent, which keeps an ended task's output in its sandbox. */
  @Override
  public Future<String> taskOutput(String agentId, String taskId, int bytes) {
    NativeDriver d = agentsDriver();
    if (d == null || outputClient == null) return Future.failedFuture("not driving agents now");
    return Future.<String>future(p -> d.agentUrl(agentId, p::complete)).compose(url -> {
      if (url == null) return Future.failedFuture("agent " + agentId + " is not registered");
      return output(url, taskId, "stderr", bytes)
          .compose(err -> err.isBlank() ? output(url, taskId, "stdout", bytes) : Future.succeededFuture(err));
    });
  }

  private Future<String> output(String agentUrl, String taskId, String stream, int bytes) {
    java.net.URI u = java.net.URI.create(agentUrl);
    return outputClient.request(new io.vertx.core.http.RequestOptions().setHost(u.getHost()).setPort(u.getPort())
            .setURI("/v1/tasks/" + taskId + "/logs?stream=" + stream + "&bytes=" + bytes).setTimeout(5000))
        .compose(req -> req.send())
        .compose(r -> r.body().map(b -> r.statusCode() == 200 ? b.toString() : ""));
  }

  /** Refuses a report the driver could not read (missing taskId, unknown state) with 400. */
  private static boolean valid(RoutingContext ctx, Runnable parse) {
    try {
      parse.run();
      return true;
    } catch (RuntimeException e) {
      ctx.fail(Problem.invalid("tasks", "not a valid task report: " + e.getMessage()).asFailure());
      return false;
    }
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject b = ctx.body().asJsonObject();
      if (b == null || b.getString("agentId") == null) throw new IllegalArgumentException("agentId is required");
      return b;
    } catch (RuntimeException e) {
      ctx.fail(Problem.invalid("agentId", "body must be a JSON object with agentId: " + e.getMessage()).asFailure());
      return null;
    }
  }
}
