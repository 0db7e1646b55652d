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
    logs = new TaskLogs(vertx, log, vertx.createHttpClient(),
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
