package io.upone.server.driver;

import io.upone.agent.master.AgentMessages;
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
import io.upone.core.FieldError;
import java.util.List;
import java.util.function.Function;
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

  private final String agentSecret;

  NativeMode(SchedulerConfig config, EventLog log, String agentSecret) {
    super("native");
    this.config = config;
    this.log = log;
    this.agentSecret = agentSecret;
  }

  @Override
  protected ClusterDriver build(Vertx vertx, Context context) {
    NativeDriver driver = new NativeDriver(vertx, context, config.heartbeatMs(), config.agentTimeoutMs()).agentSecret(agentSecret);
    outputClient = vertx.createHttpClient();
    logs = new TaskLogs(vertx, log, outputClient,
        agentId -> Future.future(p -> driver.agentUrl(agentId, p::complete)), agentSecret);
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
      JsonObject body = body(ctx, AgentMessages::heartbeat);
      if (body == null) return;
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
      JsonObject body = body(ctx, AgentMessages::status);
      if (body == null) return;
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
            .setURI("/v1/tasks/" + taskId + "/logs?stream=" + stream + "&bytes=" + bytes).setTimeout(5000)
            .putHeader(io.upone.agent.AgentSecret.HEADER, agentSecret == null ? "" : agentSecret))
        .compose(req -> req.send())
        .compose(r -> r.body().map(b -> r.statusCode() == 200 ? b.toString() : ""));
  }

  /** The body if it is a JSON object the driver can use; otherwise the request fails with a 400 naming each field. */
  private static JsonObject body(RoutingContext ctx, Function<JsonObject, List<FieldError>> check) {
    JsonObject b;
    try {
      b = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      b = null;
    }
    if (b == null) {
      ctx.fail(Problem.invalid("$", "body must be a JSON object").asFailure());
      return null;
    }
    List<FieldError> errors = check.apply(b);
    if (!errors.isEmpty()) {
      ctx.fail(Problem.invalid(errors).asFailure());
      return null;
    }
    return b;
  }
}
