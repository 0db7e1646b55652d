package io.upone.server.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameHelper;
import java.util.ArrayList;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/**
 * One client of the TCP bridge: reads its frames ({@link TcpFrames}), applies the
 * {@link BridgeRules}, and writes events to it in the frame format of
 * {@code vertx-tcp-eventbus-bridge} ({@code FrameHelper}). All on the bridge verticle's context.
 */
final class TcpConnection implements BridgeClient, TcpFrames.Listener {
  private final Vertx vertx;
  private final NetSocket socket;
  private final EventBridge bridge;
  private final TcpFrames frames;
  /** Replay addresses: a consumer of this connection's own. */
  private final Map<String, MessageConsumer<JsonObject>> registered = new HashMap<>();
  /** Event addresses: shared with the other TCP clients through the fan-out. */
  private final Set<String> live = new HashSet<>();
  private final Map<String, ReplayChannel> replays = new HashMap<>();
  private final List<Runnable> drainWaiters = new ArrayList<>();
  /** Live frames not written yet: at most what arrived since the event loop last came round. */
  private Buffer pendingLive;
  private boolean closed;

  TcpConnection(Vertx vertx, NetSocket socket, EventBridge bridge) {
    this.vertx = vertx;
    this.socket = socket;
    this.bridge = bridge;
    this.frames = new TcpFrames(bridge.settings().maxFrameBytes(), this);
  }

  void start() {
    socket.setWriteQueueMaxSize(bridge.settings().maxQueueBytes());
    socket.handler(frames);
    socket.closeHandler(v -> closed());
    socket.exceptionHandler(t -> socket.close());
    socket.drainHandler(v -> {
      List<Runnable> now = new ArrayList<>(drainWaiters);
      drainWaiters.clear();
      now.forEach(Runnable::run);
    });
    bridge.meters().connected(transport());
  }

  @Override
  public void frame(JsonObject f) {
    Object typeValue = f.getValue("type");
    Object addressValue = f.getValue("address");
    if (!(typeValue instanceof String type)) {
      refuse(new Refusal("missing_type", "a frame needs a string 'type': register, unregister or ping"));
      return;
    }
    String address = addressValue instanceof String s ? s : null;
    Object headersValue = f.getValue("headers");
    JsonObject headers = headersValue instanceof JsonObject h ? h : null;
    switch (type) {
      case "ping" -> FrameHelper.sendFrame("pong", socket);
      case "send", "publish" -> refuse(bridge.rules().inbound(type, address));
      case "register" -> register(address, headers);
      case "unregister" -> unregister(address);
      default -> refuse(new Refusal("unknown_type", "unknown frame type '" + type + "': register, unregister or ping"));
    }
  }

  private void register(String address, JsonObject headers) {
    Refusal no = bridge.rules().register(address, headers);
    if (no == null && (registered.containsKey(address) || live.contains(address))) {
      no = new Refusal("already_registered", "this connection is already registered on '" + address + "'");
    }
    if (no == null && address.startsWith(BridgeRules.REPLAY_PREFIX) && !bridge.claimReplay(address)) {
      no = Refusal.replayInUse(address);
    }
    if (no != null) {
      refuse(no);
      return;
    }
    if (!address.startsWith(BridgeRules.REPLAY_PREFIX)) {
      live.add(address);
      bridge.fanout().add(address, this);
      return;
    }
    registered.put(address, vertx.eventBus().<JsonObject>localConsumer(address, this::replayed));
    replays.put(address, bridge.replay(this, BridgeRules.replay(address, headers)));
  }

  /**
   * A live event's frame, encoded once for every client of its address. Frames that arrive in one
   * run of the event loop (a proposal's events are published together) go out in one write.
   */
  void live(Buffer frame) {
    if (closed) return;
    if (socket.writeQueueFull()) {
      cutOff(Refusal.slowConsumer(bridge.settings().maxQueueBytes()));
      return;
    }
    if (pendingLive == null) {
      pendingLive = Buffer.buffer();
      vertx.runOnContext(v -> flushLive());
    }
    pendingLive.appendBuffer(frame);
  }

  private void flushLive() {
    Buffer out = pendingLive;
    pendingLive = null;
    if (!closed && out != null) socket.write(out);
  }

  /** A replayed event (its channel checked the output: it waits while it replays, cuts off once live). */
  private void replayed(Message<JsonObject> m) {
    if (closed) return;
    JsonObject headers = new JsonObject();
    m.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
    FrameHelper.sendFrame("message", m.address(), null, headers, false, m.body(), socket);
  }

  private void unregister(String address) {
    if (address != null && live.remove(address)) {
      bridge.fanout().remove(address, this);
      return;
    }
    MessageConsumer<JsonObject> c = address == null ? null : registered.remove(address);
    if (c == null) {
      refuse(new Refusal("unknown_address", "not registered on '" + address + "'"));
      return;
    }
    c.unregister();
    ReplayChannel r = replays.remove(address);
    if (r != null) {
      r.close();
      bridge.releaseReplay(address);
    }
  }

  @Override
  public void notJson(String problem) {
    refuse(new Refusal("invalid_json", "a frame must be a JSON object: " + problem));
  }

  @Override
  public void tooLarge(long length) {
    cutOff(new Refusal("frame_too_large", "a frame of " + length + " bytes is over the limit of "
        + bridge.settings().maxFrameBytes() + " bytes; closing"));
  }

  @Override
  public String transport() {
    return "tcp";
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  @Override
  public void whenDrained(Runnable next) {
    if (!socket.writeQueueFull()) next.run();
    else drainWaiters.add(next);
  }

  @Override
  public void refuse(Refusal why) {
    bridge.meters().refused(why.code());
    if (!closed) FrameHelper.writeFrame(why.fields().put("type", "err"), socket);
  }

  @Override
  public void cutOff(Refusal why) {
    if (closed) return;
    refuse(why);
    if (why.code().equals("slow_consumer")) bridge.meters().cutOff(transport());
    frames.stop();
    closed();
    socket.close();
  }

  private void closed() {
    if (closed && registered.isEmpty() && live.isEmpty()) return;
    if (!closed) bridge.meters().disconnected(transport());
    closed = true;
    frames.stop();
    registered.values().forEach(MessageConsumer::unregister);
    registered.clear();
    live.forEach(a -> bridge.fanout().remove(a, this));
    live.clear();
    replays.forEach((address, r) -> {
      r.close();
      bridge.releaseReplay(address);
    });
    replays.clear();
    drainWaiters.clear();
  }
}
