package io.upone.server.bridge;

import io.micrometer.core.instrument.MeterRegistry;
import io.upone.eventlog.EventLog;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.web.Router;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event bus bridge: monitoring tools receive committed events ({@code upone.events.*}) over
 * TCP ({@code bridge-tcp-port}) and SockJS ({@code bridge-sockjs-path} on the HTTP port), live or
 * replayed from an index, outbound only. Runs on every node: every member applies every committed
 * event, so a follower serves the same events as the leader. See src-docs/bridge.md.
 */
public final class EventBridge extends AbstractVerticle {
  private final BridgeConfig config;
  private final EventLog log;
  private final BridgeRules rules;
  private final BridgeMeters meters;
  private final String host;
  private final Set<String> replaysInUse = ConcurrentHashMap.newKeySet();
  private NetServer tcp;
  private TcpFanout fanout;

  public EventBridge(BridgeConfig config, BridgeAuth auth, EventLog log, MeterRegistry registry, String host) {
    this.config = config;
    this.log = log;
    this.rules = new BridgeRules(auth);
    this.meters = new BridgeMeters(registry);
    this.host = host;
  }

  @Override
  public void start(Promise<Void> started) {
    if (config.tcpPort() < 0) {
      started.complete();
      return;
    }
    fanout = new TcpFanout(vertx);
    vertx.createNetServer(new NetServerOptions().setHost(host).setPort(config.tcpPort()))
        .connectHandler(socket -> new TcpConnection(vertx, socket, this).start())
        .listen()
        .onSuccess(s -> {
          tcp = s;
          started.complete();
        })
        .onFailure(t -> started.fail(new IllegalStateException("bridge-tcp-port " + config.tcpPort() + ": " + t.getMessage(), t)));
  }

  /** Mounts the SockJS bridge on the HTTP API's router (call from the HTTP verticle's start). */
  public void mountSockJs(Router router) {
    if (config.sockJsPath().isEmpty()) return;
    router.route(config.sockJsPath() + "/*").subRouter(new SockJsBridge(this).router(vertx));
  }

  /** The TCP bridge's port, or -1 when it is off. */
  public int tcpPort() {
    return tcp == null ? -1 : tcp.actualPort();
  }

  BridgeConfig settings() {
    return config;
  }

  TcpFanout fanout() {
    return fanout;
  }

  BridgeRules rules() {
    return rules;
  }

  BridgeMeters meters() {
    return meters;
  }

  boolean claimReplay(String address) {
    return replaysInUse.add(address);
  }

  void releaseReplay(String address) {
    replaysInUse.remove(address);
  }

  /** Starts a client's replay on the calling (the client's) context. */
  ReplayChannel replay(BridgeClient client, BridgeRules.Replay replay) {
    return new ReplayChannel(vertx, client, replay, meters, config.maxQueueBytes()).start(log, config.maxHeld());
  }
}
