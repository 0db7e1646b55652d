package io.upone.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.upone.core.proto.Event;
import io.upone.eventlog.EventLog;
import io.upone.server.api.EventJson;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Publishes every committed event on the event bus ({@code upone.events.app|task|framework}),
 * on every node, in log order. The raft apply thread only hands the batch over; JSON is built
 * here, off the log's critical path.
 */
public final class EventPublisherVerticle extends AbstractVerticle {
  private final EventLog log;
  private final Counter committed;
  private AutoCloseable subscription;

  public EventPublisherVerticle(EventLog log, MeterRegistry registry) {
    this.log = log;
    this.committed = Counter.builder("upone_events_committed").description("events committed to the log and applied")
        .register(registry);
  }

  @Override
  public void start() {
    var ctx = context;
    subscription = log.onCommitted(events -> ctx.runOnContext(v -> publish(events)));
    subscription = chain(subscription, log.onLeadership(l -> ctx.runOnContext(v ->
        vertx.eventBus().publish(Addresses.LEADERSHIP, new JsonObject().put("leader", l.leader()).put("term", l.term())))));
  }

  private void publish(List<Event> events) {
    committed.increment(events.size());
    if (vertx.eventBus() == null) return;
    for (Event e : events) {
      JsonObject body = EventJson.json(e).put("type", EventJson.type(e));
      vertx.eventBus().publish(EventJson.address(e), body);
    }
  }

  private static AutoCloseable chain(AutoCloseable a, AutoCloseable b) {
    return () -> {
      a.close();
      b.close();
    };
  }

  @Override
  public void stop() throws Exception {
    if (subscription != null) subscription.close();
  }
}
