package io.upone.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.upone.core.proto.Event;
import io.upone.core.proto.JobRunFired;
import io.upone.eventlog.EventLog;
import io.upone.server.bus.Addresses;
import io.upone.server.bus.Committed;
import io.upone.server.bus.CommittedFeed;
import io.upone.server.bus.LeaderOnly;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Meters read off the committed-event feed and the LB sync's confirmations, on every node:
 * raft commit latency and cron fire jitter (recorded only on the leader, which stamped the
 * events, so a group's three nodes do not count each one three times), leadership changes of
 * this member, and how long LB changes waited to be confirmed.
 */
public final class LogMeters extends AbstractVerticle {
  private final EventLog log;
  private final Clock clock;
  private final Timer commit;
  private final DistributionSummary jitter;
  private final Counter becameLeader;
  private final Counter lostLeadership;
  private final Timer lbLag;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private LeaderOnly leadership;

  public LogMeters(EventLog log, MeterRegistry registry, Clock clock) {
    this.log = log;
    this.clock = clock;
    commit = Timer.builder("upone_raft_commit_latency")
        .description("leader: a proposal's timestamp (when it was decided) -> applied on the leader (queue, replication, fsync, apply)")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    jitter = DistributionSummary.builder("upone_cron_fire_jitter")
        .description("leader: a scheduled job run's fire time minus its scheduled instant").baseUnit("seconds")
        .publishPercentileHistogram().minimumExpectedValue(0.001).maximumExpectedValue(120.0).register(registry);
    becameLeader = Counter.builder("upone_leader_changes").tag("to", "leader")
        .description("leadership changes of this member").register(registry);
    lostLeadership = Counter.builder("upone_leader_changes").tag("to", "follower")
        .description("leadership changes of this member").register(registry);
    lbLag = Timer.builder("upone_lb_sync_lag")
        .description("a load-balancer change wanted -> confirmed by reading the LB back")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
  }

  @Override
  public void start() {
    consumers.add(CommittedFeed.onCommitted(vertx, this::committed));
    // counts transitions as LeaderOnly sees them, the one this member may have made before this verticle started included
    leadership = new LeaderOnly(vertx, log, becameLeader::increment, lostLeadership::increment);
    leadership.start();
    consumers.add(vertx.eventBus().<JsonObject>localConsumer(Addresses.LB_SYNCED,
        m -> lbLag.record(Math.max(0, m.body().getLong("waitedMs", 0L)), TimeUnit.MILLISECONDS)));
  }

  private void committed(Committed c) {
    if (c.events().isEmpty() || !log.isLeader()) return;
    long now = clock.millis();
    Event first = c.events().get(0);
    if (first.getTimestampMs() > 0) commit.record(Math.max(0, now - first.getTimestampMs()), TimeUnit.MILLISECONDS);
    for (Event e : c.events()) {
      if (e.getPayloadCase() != Event.PayloadCase.JOB_RUN_FIRED) continue;
      JobRunFired f = e.getJobRunFired();
      if (!f.getManual() && f.getScheduledMs() > 0) jitter.record(Math.max(0, e.getTimestampMs() - f.getScheduledMs()) / 1000.0);
    }
  }

  @Override
  public void stop() {
    leadership.stop();
    consumers.forEach(MessageConsumer::unregister);
  }
}
