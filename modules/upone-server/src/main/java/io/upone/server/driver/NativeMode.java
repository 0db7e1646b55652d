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

  NativeMode(SchedulerConfig config, EventLog log) {
    super("native");
    this.config = config;
    this.log = log;
  }

  @Override
  protected ClusterDriver build(Vertx vertx, Context context) {
    NativeDriver driver = new NativeDriver(vertx, context, config.heartbeatMs(), config.agentTimeoutMs());
    logs = new TaskLogs(vertx, log, vertx.createHttpClient(),
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
