package io.upone.server.bus;

import io.upone.eventlog.EventLog;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * The one place where the log's callbacks enter Vert.x. Each committed proposal and each change
 * of leadership is published on a local address, typed (no JSON inside the node), from the log's
 * apply thread in log order; every consumer receives them on its own context, in that order.
 */
public final class CommittedFeed implements AutoCloseable {
  private static final String CODEC = "upone.log";
  private final AutoCloseable committed;
  private final AutoCloseable leadership;

  private CommittedFeed(AutoCloseable committed, AutoCloseable leadership) {
    this.committed = committed;
    this.leadership = leadership;
  }

  /** Starts publishing {@code log}'s commits and leadership changes on {@code vertx}'s bus. */
  public static CommittedFeed start(Vertx vertx, EventLog log) {
    DeliveryOptions opts = LocalCodec.options(vertx, CODEC);
    // the apply thread only hands the list over; consumers do their work on their own threads
    AutoCloseable c = log.onCommitted(events -> vertx.eventBus().publish(Addresses.LOG_COMMITTED, new Committed(events), opts));
    AutoCloseable l = log.onLeadership(change -> vertx.eventBus().publish(Addresses.LOG_LEADERSHIP, change, opts));
    return new CommittedFeed(c, l);
  }

  /** Receives every committed proposal from now on, on the calling verticle's context. */
  public static MessageConsumer<Committed> onCommitted(Vertx vertx, Handler<Committed> handler) {
    return vertx.eventBus().<Committed>localConsumer(Addresses.LOG_COMMITTED, m -> handler.handle(m.body()));
  }

  /** Receives every leadership change from now on, on the calling verticle's context. */
  public static MessageConsumer<EventLog.Leadership> onLeadership(Vertx vertx, Handler<EventLog.Leadership> handler) {
    return vertx.eventBus().<EventLog.Leadership>localConsumer(Addresses.LOG_LEADERSHIP, m -> handler.handle(m.body()));
  }

  @Override
  public void close() throws Exception {
    committed.close();
    leadership.close();
  }
}
