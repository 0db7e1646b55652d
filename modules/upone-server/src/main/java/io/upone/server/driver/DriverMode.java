package io.upone.server.driver;

import io.micrometer.core.instrument.MeterRegistry;
import io.upone.core.Problem;
import io.upone.core.driver.ClusterDriver;
import io.upone.eventlog.EventLog;
import io.upone.server.config.ServerConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * How this node drives its cluster, and the extension point for what only one kind of driver
 * has: its routes, its gauges, its part of {@code GET /v1/framework}, teardown. The rest of the
 * server speaks to the driver only through {@link DriverClient} and this class; no other package
 * names a driver type.
 */
public abstract class DriverMode {
  private final String name;
  private ClusterDriver driver;
  private Context context;

  protected DriverMode(String name) {
    this.name = name;
  }

  /** The mode configured: upone's own agents, or a Mesos master. */
  public static DriverMode forConfig(ServerConfig config, EventLog log) {
    return config.mesos() == null ? new NativeMode(config.scheduler(), log, config.security().agentSecret()) : new MesosMode(config.mesos(), log);
  }

  /** A mode with no routes or gauges of its own, around any driver (benchmarks, tests). */
  public static DriverMode of(String name, BiFunction<Vertx, Context, ClusterDriver> factory) {
    return new DriverMode(name) {
      @Override
      protected ClusterDriver build(Vertx vertx, Context context) {
        return factory.apply(vertx, context);
      }
    };
  }

  public final String name() {
    return name;
  }

  /** Builds the driver on the driver verticle's context. Called once. */
  protected abstract ClusterDriver build(Vertx vertx, Context context);

  final ClusterDriver create(Vertx vertx, Context context) {
    this.context = context;
    this.driver = build(vertx, context);
    return driver;
  }

  protected final ClusterDriver driver() {
    return driver;
  }

  /**
   * Routes only this driver has. {@code forwardedToLeader} sends the request on to the leader
   * when this member does not lead, and says whether it did.
   */
  public void routes(Router router, Predicate<RoutingContext> forwardedToLeader) {}

  public void gauges(MeterRegistry registry) {}

  /** How many agents the driver knows now (0 before it exists); read from any thread, for a gauge. */
  public int agentCount() {
    ClusterDriver d = driver;
    return d == null ? 0 : d.agents().size();
  }

  /** This driver's part of {@code GET /v1/framework}. */
  public JsonObject describe(boolean leader) {
    return new JsonObject();
  }

  /** {@code POST /v1/framework/teardown}: only a Mesos framework can be torn down. */
  public Future<Void> teardown() {
    return Future.failedFuture(new Problem(Problem.Kind.CONFLICT, "not_mesos_mode",
        "this server drives upone agents, not a Mesos framework; there is nothing to tear down", List.of()).asFailure());
  }

  /** The end of a task's output (at most {@code bytes}; stderr, else stdout), for alerts; best effort. */
  public Future<String> taskOutput(String agentId, String taskId, int bytes) {
    return Future.failedFuture("the " + name + " driver does not serve task output");
  }

  /** {@code GET /v1/agents} on the leader: the agents the driver knows. */
  public Future<JsonArray> agents() {
    if (context == null) return Future.succeededFuture(new JsonArray());
    return Future.future(p -> context.runOnContext(v -> {
      JsonArray out = new JsonArray();
      driver.agents().values().forEach(a -> out.add(new JsonObject().put("id", a.agentId()).put("hostname", a.hostname())
          .put("attributes", new JsonObject(new HashMap<>(a.attributes())))));
      p.complete(out);
    }));
  }
}
