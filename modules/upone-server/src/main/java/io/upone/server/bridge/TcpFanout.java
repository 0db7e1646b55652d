package io.upone.server.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Live events to every TCP client registered on an address: one bus consumer per address, each
 * message encoded into a frame once, the same bytes written to every client (a consumer per
 * client would copy and encode each event once per client). On the bridge verticle's context,
 * like every TCP connection.
 */
final class TcpFanout {
  private final Vertx vertx;
  private final Map<String, Subscribers> byAddress = new HashMap<>();

  private record Subscribers(MessageConsumer<JsonObject> consumer, Set<TcpConnection> connections) {}

  TcpFanout(Vertx vertx) {
    this.vertx = vertx;
  }

  void add(String address, TcpConnection c) {
    byAddress.computeIfAbsent(address, a -> new Subscribers(
        vertx.eventBus().<JsonObject>localConsumer(a, m -> deliver(a, m)), new LinkedHashSet<>())).connections().add(c);
  }

  void remove(String address, TcpConnection c) {
    Subscribers s = byAddress.get(address);
    if (s == null || !s.connections().remove(c) || !s.connections().isEmpty()) return;
    s.consumer().unregister();
    byAddress.remove(address);
  }

  private void deliver(String address, Message<JsonObject> m) {
    Subscribers s = byAddress.get(address);
    if (s == null) return;
    Buffer frame = frame(new JsonObject().put("type", "message").put("address", address).put("headers", new JsonObject())
        .put("body", m.body()).put("send", false));
    // a copy of the set: a client cut off here leaves it
    for (TcpConnection c : new ArrayList<>(s.connections())) c.live(frame);
  }

  /** The wire form of one frame: a 4-byte big-endian length, then the UTF-8 JSON. */
  static Buffer frame(JsonObject payload) {
    byte[] json = payload.encode().getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer(4 + json.length).appendInt(json.length).appendBytes(json);
  }
}
