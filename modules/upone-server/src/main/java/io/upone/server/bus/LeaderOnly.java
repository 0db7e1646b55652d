package io.upone.server.bus;

import io.upone.eventlog.EventLog;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * Starts and stops a verticle's leader-only work as this member gains and loses leadership,
 * on the verticle's context: {@code lead} once when leadership begins (or at once, if this
 * member already leads), {@code follow} once when it ends or the verticle stops.
 */
public final class LeaderOnly {
  private final EventLog log;
  private final Runnable lead;
  private final Runnable follow;
  private boolean leading;

  private MessageConsumer<EventLog.Leadership> consumer;
  private final Vertx vertx;

  public LeaderOnly(Vertx vertx, EventLog log, Runnable lead, Runnable follow) {
    this.vertx = vertx;
    this.log = log;
    this.lead = lead;
    this.follow = follow;
  }

  /** Call from the verticle's start(), after keeping this object: {@code lead} may run at once. */
  public void start() {
    consumer = CommittedFeed.onLeadership(vertx, change -> {
      // a change may be stale by the time it arrives: act on what the log says now
      set(change.leader() && log.isLeader());
    });
    set(log.isLeader());
  }

  public boolean leading() {
    return leading;
  }

  private void set(boolean leader) {
    if (leader == leading) return;
    leading = leader;
    if (leader) lead.run();
    else follow.run();
  }

  /** Call from the verticle's stop(): leader-only work ends with it. */
  public void stop() {
    consumer.unregister();
    set(false);
  }
}
