package io.upone.server.bus;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.upone.core.proto.Event;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes every committed event as JSON on {@code upone.events.app|task|job|framework} and
 * leadership changes on {@code upone.cluster.leadership}, on every node, in log order: what
 * monitoring tools (and the bridge) receive. Reads the committed-event feed.
 */
public final class EventJsonPublisher extends AbstractVerticle {
  private final Counter committed;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  public EventJsonPublisher(MeterRegistry registry) {
    this.committed = Counter.builder("upone_events_committed").description("events committed to the log and applied")
        .register(registry);
  }

  @Override
  public void start() {
    consumers.add(CommittedFeed.onCommitted(vertx, c -> publish(c.events())));
    consumers.add(CommittedFeed.onLeadership(vertx, l ->
        vertx.eventBus().publish(Addresses.LEADERSHIP, new JsonObject().put("leader", l.leader()).put("term", l.term()))));
  }

  private void publish(List<Event> events) {
    committed.increment(events.size());
    for (Event e : events) {
      JsonObject body = EventJson.json(e).put("type", EventJson.type(e));
      vertx.eventBus().publish(EventJson.address(e), body);
    }
  }

  @Override
  public void stop() {
    consumers.forEach(MessageConsumer::unregister);
  }
}
