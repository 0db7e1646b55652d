package io.upone.server.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The SockJS bridge of vertx-web, mounted on the HTTP port, held to the {@link BridgeRules}
 * through its bridge-event hook: no inbound address is permitted, outbound only
 * {@code upone.events.*}; registers are checked (token, address, replay headers) before
 * vertx-web registers them; replays start once it has; a client whose output is over the bound
 * is cut off when the next live message would be written. Its hook runs on the HTTP verticle's
 * context, where every socket of it lives.
 */
final class SockJsBridge {
  private final EventBridge bridge;
  private final Map<SockJSSocket, Client> clients = new HashMap<>();

  SockJsBridge(EventBridge bridge) {
    this.bridge = bridge;
  }

  Router router(Vertx vertx) {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(java.util.regex.Pattern.quote("upone.events.") + ".+"));
    return SockJSHandler.create(vertx, new SockJSHandlerOptions()).bridge(options, this::handle);
  }

  private void handle(BridgeEvent be) {
    SockJSSocket sock = be.socket();
    JsonObject raw = be.getRawMessage();
    String address = raw == null ? null : raw.getString("address");
    Client client = clients.get(sock);
    switch (be.type()) {
      case SOCKET_CREATED -> {
        sock.setWriteQueueMaxSize(bridge.settings().maxQueueBytes());
        clients.put(sock, new Client(sock));
        bridge.meters().connected("sockjs");
        be.complete(true);
      }
      case SOCKET_CLOSED -> {
        Client gone = clients.remove(sock);
        if (gone != null) {
          gone.closed();
          bridge.meters().disconnected("sockjs");
        }
        be.complete(true);
      }
      case SEND, PUBLISH -> refuse(be, client, bridge.rules().inbound(be.type().name().toLowerCase(), address), null);
      case REGISTER -> {
        Refusal no = tooLarge(raw);
        if (no == null) no = bridge.rules().register(address, raw.getJsonObject("headers"));
        if (no == null && address.startsWith(BridgeRules.REPLAY_PREFIX) && client != null && !client.claim(address)) {
          no = Refusal.replayInUse(address);
        }
        if (no != null) refuse(be, client, no, address); // to the handler the client registered
        else be.complete(true);
      }
      case REGISTERED -> {
        // vertx-web's consumer of the address exists now: a replay can send to it
        if (client != null && address != null && address.startsWith(BridgeRules.REPLAY_PREFIX)) {
          client.replays.put(address, bridge.replay(client, BridgeRules.replay(address, raw.getJsonObject("headers"))));
        }
        be.complete(true);
      }
      case UNREGISTER -> {
        if (client != null) client.stop(address);
        be.complete(true);
      }
      case RECEIVE -> {
        if (client != null && address != null && !address.startsWith(BridgeRules.REPLAY_PREFIX) && sock.writeQueueFull()) {
          client.cutOff(Refusal.slowConsumer(bridge.settings().maxQueueBytes()));
          be.complete(false);
        } else {
          be.complete(true);
        }
      }
      default -> be.complete(true);
    }
  }

  private Refusal tooLarge(JsonObject raw) {
    int size = raw.encode().length();
    if (size <= bridge.settings().maxFrameBytes()) return null;
    return new Refusal("frame_too_large", "a frame of " + size + " bytes is over the limit of "
        + bridge.settings().maxFrameBytes() + " bytes");
  }

  private void refuse(BridgeEvent be, Client client, Refusal why, String address) {
    if (client != null) client.refuse(why, address);
    // vertx-web then adds its own {"type":"err","body":"rejected"}
    be.complete(false);
  }

  /** One SockJS client. */
  private final class Client implements BridgeClient {
    private final SockJSSocket sock;
    private final Map<String, ReplayChannel> replays = new HashMap<>();
    private final Set<String> claimed = new HashSet<>();
    private boolean closed;

    Client(SockJSSocket sock) {
      this.sock = sock;
    }

    boolean claim(String address) {
      if (claimed.contains(address) || !bridge.claimReplay(address)) return false;
      claimed.add(address);
      return true;
    }

    void stop(String address) {
      ReplayChannel r = replays.remove(address);
      if (r != null) r.close();
      if (claimed.remove(address)) bridge.releaseReplay(address);
    }

    void closed() {
      closed = true;
      replays.values().forEach(ReplayChannel::close);
      replays.clear();
      claimed.forEach(bridge::releaseReplay);
      claimed.clear();
    }

    @Override
    public String transport() {
      return "sockjs";
    }

    @Override
    public boolean writeQueueFull() {
      return sock.writeQueueFull();
    }

    @Override
    public void whenDrained(Runnable next) {
      if (!sock.writeQueueFull()) next.run();
      else sock.drainHandler(v -> next.run());
    }

    @Override
    public void refuse(Refusal why) {
      refuse(why, null);
    }

    /** With an address, vertx-eventbus.js hands the error to that address's handler; without, to onerror. */
    void refuse(Refusal why, String address) {
      bridge.meters().refused(why.code());
      if (closed) return;
      JsonObject err = why.fields().put("type", "err").put("body", why.code() + ": " + why.message());
      if (address != null) err.put("address", address).put("failureType", why.code());
      sock.write(err.encode());
    }

    @Override
    public void cutOff(Refusal why) {
      if (closed) return;
      refuse(why);
      if (why.code().equals("slow_consumer")) bridge.meters().cutOff(transport());
      closed();
      sock.close();
    }
  }
}
