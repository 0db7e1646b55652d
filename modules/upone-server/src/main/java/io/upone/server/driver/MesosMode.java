package io.upone.server.driver;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.upone.core.Problem;
import io.upone.core.driver.ClusterDriver;
import io.upone.eventlog.EventLog;
import io.upone.mesos.MesosConfig;
import io.upone.mesos.MesosDriver;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * upone as a Mesos framework: the framework id lives in the log, the driver's counters are
 * gauges, and {@code POST /v1/framework/teardown} ends the framework. upone agents cannot
 * register here: their routes answer 409 {@code not_native_mode}.
 */
final class MesosMode extends DriverMode {
  private final MesosConfig config;
  private final EventLog log;

  MesosMode(MesosConfig config, EventLog log) {
    super("mesos");
    this.config = config;
    this.log = log;
  }

  @Override
  protected ClusterDriver build(Vertx vertx, Context context) {
    return new MesosDriver(vertx, context, config, new LoggedFrameworkId(log));
  }

  private MesosDriver mesos() {
    return (MesosDriver) driver();
  }

  @Override
  public void routes(Router router, Predicate<RoutingContext> forwardedToLeader) {
    router.get("/v1/tasks/:id/logs").handler(ctx -> ctx.fail(new Problem(Problem.Kind.CONFLICT, "logs_on_mesos_agent",
        "a Mesos task's output is in its sandbox on the Mesos agent: read it with the agent's /files/read endpoint",
        List.of()).asFailure()));
    for (String path : List.of("/v1/agents/heartbeat", "/v1/agents/status")) {
      router.post(path).handler(ctx -> {
        if (forwardedToLeader.test(ctx)) return;
        ctx.fail(new Problem(Problem.Kind.CONFLICT, "not_native_mode",
            "this server drives a Mesos master; upone agents cannot register with it", List.of()).asFailure());
      });
    }
  }

  /** The driver's state and counters (zero on followers: only the leader drives Mesos). */
  @Override
  public void gauges(MeterRegistry registry) {
    gauge(registry, "upone_mesos_subscribed", "1 while this node holds a Mesos subscription", m -> m.isSubscribed() ? 1 : 0);
    gauge(registry, "upone_mesos_subscriptions", null, m -> m.stats().subscriptions);
    gauge(registry, "upone_mesos_offers_received", null, m -> m.stats().offers);
    gauge(registry, "upone_mesos_offers_declined", null, m -> m.stats().declined);
    gauge(registry, "upone_mesos_tasks_launched", null, m -> m.stats().launched);
    gauge(registry, "upone_mesos_updates_received", null, m -> m.stats().updates);
    gauge(registry, "upone_mesos_updates_acknowledged", null, m -> m.stats().acknowledged);
    gauge(registry, "upone_mesos_calls_failed", null, m -> m.stats().failedCalls);
    gauge(registry, "upone_mesos_offer_to_accept_p99_ms", "offer received -> ACCEPT sent, p99 over the latest accepts",
        m -> m.stats().offerToAcceptPercentileMs(99));
  }

  private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<MesosDriver> f) {
    Gauge.builder(name, () -> driver() == null ? 0 : f.applyAsDouble(mesos())).description(description).register(registry);
  }

  @Override
  public JsonObject describe(boolean leader) {
    JsonObject out = new JsonObject().put("masters", config.masters().stream().map(Object::toString).toList())
        .put("failoverTimeoutSeconds", config.failoverTimeoutSeconds()).put("role", config.role());
    if (leader && driver() != null) {
      MesosDriver.Stats s = mesos().stats();
      out.put("subscribed", mesos().isSubscribed()).put("offersReceived", s.offers).put("tasksLaunched", s.launched)
          .put("updatesReceived", s.updates).put("subscriptions", s.subscriptions);
    }
    return out;
  }

  @Override
  public Future<Void> teardown() {
    return mesos().teardown().recover(t -> Future.failedFuture(new Problem(Problem.Kind.UNAVAILABLE, "mesos_unavailable",
        "teardown not accepted: " + t.getMessage(), List.of()).asFailure()));
  }
}
