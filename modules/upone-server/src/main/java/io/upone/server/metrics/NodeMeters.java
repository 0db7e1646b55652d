package io.upone.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.upone.eventlog.EventLog;
import io.upone.server.driver.DriverMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * The node's catalogue of meters beyond those other parts register themselves (see
 * src-docs/metrics.md): tasks by state, agents, offers, placement latency, commit latency,
 * leadership changes, cron jitter, LB sync lag, and the alerting meters.
 */
public final class NodeMeters {
  private final AlertMetrics alerts;

  private NodeMeters(AlertMetrics alerts) {
    this.alerts = alerts;
  }

  /** Registers the meters and deploys the verticle that reads the feed for them. */
  public static Future<NodeMeters> start(Vertx vertx, EventLog log, DriverMode mode, MeterRegistry registry) {
    TaskStateGauges.register(log, registry);
    Gauge.builder("upone_agents", () -> log.isLeader() ? mode.agentCount() : 0)
        .description("agents the driver knows (on the leader; 0 on followers)").register(registry);
    Gauge.builder("upone_jobs", log, l -> l.state().jobs().size()).description("cron jobs in the projection").register(registry);
    OfferMeters.watch(vertx, registry);
    AlertMetrics alerts = new AlertMetrics(registry);
    return vertx.deployVerticle(new LogMeters(log, registry, Clock.systemUTC())).map(id -> new NodeMeters(alerts));
  }

  /** The alerting meters, for the alerting verticle. */
  public AlertMetrics alerts() {
    return alerts;
  }
}
