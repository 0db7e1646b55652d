package io.upone.server;

import io.upone.eventlog.EventLog;
import io.upone.server.config.SchedulerConfig;
import io.upone.server.cron.CronPlanner;
import io.upone.server.driver.DriverMode;
import io.upone.server.driver.DriverVerticle;
import io.upone.lb.HostResolver;
import io.upone.lb.SyncTimings;
import io.upone.server.lb.LbSyncVerticle;
import io.upone.server.lifecycle.LifecycleVerticle;
import io.upone.server.lifecycle.ReadinessVerticle;
import io.upone.server.offers.OfferVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * The scheduling verticles of one node, wired over the bus: offers, the task lifecycle, readiness checks, the cron
 * planner, the load-balancer sync, and last the driver, so that everything it tells has a listener. They read the
 * committed-event feed, which must already run on {@code vertx} ({@code CommittedFeed.start}).
 */
public final class Scheduling {
  private Scheduling() {}

  public static Future<Void> deploy(Vertx vertx, EventLog log, SchedulerConfig config, DriverMode mode, Clock clock) {
    return vertx.deployVerticle(new OfferVerticle(log, config, clock))
        .compose(id -> vertx.deployVerticle(new LifecycleVerticle(log, config, clock)))
        .compose(id -> vertx.deployVerticle(new ReadinessVerticle(log, clock)))
        .compose(id -> vertx.deployVerticle(new CronPlanner(log, clock, config.agentTimeoutMs())))
        .compose(id -> vertx.deployVerticle(new LbSyncVerticle(log, SyncTimings.fromSystemProperties(), HostResolver.system())))
        .compose(id -> vertx.deployVerticle(new DriverVerticle(log, mode)))
        .mapEmpty();
  }
}
