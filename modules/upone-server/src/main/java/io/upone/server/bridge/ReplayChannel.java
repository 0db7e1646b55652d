package io.upone.server.bridge;

import io.upone.core.Problem;
import io.upone.core.proto.Event;
import io.upone.eventlog.EventLog;
import io.upone.server.bus.EventJson;
import io.upone.server.bus.EventReplay;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * One client's replay: the committed events from its {@code from} index (of the addresses it
 * asked for), then live, sent on its own replay address, where the transport's consumer writes
 * them to the socket. Runs on the client's context.
 */
final class ReplayChannel implements EventReplay.Reader {
  private final Vertx vertx;
  private final BridgeClient client;
  private final BridgeRules.Replay replay;
  private final BridgeMeters meters;
  private final int maxQueueBytes;
  private EventReplay events;

  ReplayChannel(Vertx vertx, BridgeClient client, BridgeRules.Replay replay, BridgeMeters meters, int maxQueueBytes) {
    this.vertx = vertx;
    this.client = client;
    this.replay = replay;
    this.meters = meters;
    this.maxQueueBytes = maxQueueBytes;
  }

  /** Call once the transport's consumer of the replay address is registered. */
  ReplayChannel start(EventLog log, int maxHeld) {
    events = EventReplay.start(vertx, log, replay.from(), true, maxHeld, this);
    return this;
  }

  void close() {
    if (events != null) events.close();
  }

  @Override
  public void begin(long from) {}

  @Override
  public void write(Event e) {
    String address = EventJson.address(e);
    if (!replay.wants(address)) return;
    if (!events.replaying() && client.writeQueueFull()) {
      close();
      client.cutOff(Refusal.slowConsumer(maxQueueBytes));
      return;
    }
    JsonObject body = EventJson.json(e).put("type", EventJson.type(e));
    vertx.eventBus().send(replay.address(), body, new DeliveryOptions().setLocalOnly(true)
        .addHeader("index", String.valueOf(e.getIndex())).addHeader("address", address));
    meters.replayed();
  }

  @Override
  public boolean full() {
    return client.writeQueueFull();
  }

  @Override
  public void whenDrained(Runnable next) {
    client.whenDrained(next);
  }

  @Override
  public void end() {}

  @Override
  public void failed(Throwable cause, boolean begun) {
    if (cause instanceof Problem.Failure f) {
      client.refuse(new Refusal(f.problem().code(), "replay '" + replay.address() + "': " + f.problem().message()));
    } else {
      client.refuse(new Refusal("replay_failed", "replay '" + replay.address() + "': " + cause.getMessage()));
    }
  }

  @Override
  public void overflowed(int held) {
    client.cutOff(new Refusal("slow_consumer", "cut off: " + held + " live events arrived while the replay to this"
        + " client was still behind; reconnect and replay from the last index received"));
  }
}
