package io.upone.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.upone.agent.Agent;
import io.upone.agent.AgentConfig;
import io.upone.agent.LocalMachine;
import io.upone.agent.AgentExecutors;
import io.upone.core.driver.Resources;
import io.upone.eventlog.RaftConfig;
import io.upone.server.bridge.BridgeAuth;
import io.upone.server.bridge.EventBridge;
import io.upone.server.alerts.AlertVerticle;
import io.upone.server.bus.CommittedFeed;
import io.upone.server.bus.EventJsonPublisher;
import io.upone.server.driver.DriverMode;
import io.upone.server.http.HttpApiVerticle;
import io.upone.server.metrics.NodeMeters;
import io.upone.eventlog.RaftEventLog;
import io.upone.server.config.Peer;
import io.upone.server.config.ServerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One upone node: the event log member, the verticles, the HTTP API. {@link Main} starts one
 * from the command line; tests start several in one JVM.
 */
public final class UponeServer {
  private final ServerConfig config;
  private final Vertx vertx;
  private final RaftEventLog log;
  private final CommittedFeed feed;
  private final HttpApiVerticle http;

  private final Agent localAgent;
  private final EventBridge bridge;
  private final NodeMeters meters;

  private UponeServer(ServerConfig config, Vertx vertx, RaftEventLog log, CommittedFeed feed, HttpApiVerticle http,
                      Agent localAgent, EventBridge bridge, NodeMeters meters) {
    this.bridge = bridge;
    this.meters = meters;
    this.config = config;
    this.vertx = vertx;
    this.log = log;
    this.feed = feed;
    this.http = http;
    this.localAgent = localAgent;
  }

  /** The embedded agent of `make run`: offers this machine, ends its tasks when the node stops. */
  private static Future<Agent> deployLocalAgent(Vertx vertx, ServerConfig config, HttpApiVerticle http) {
    ServerConfig.LocalAgent la = config.localAgent();
    if (la == null) return Future.succeededFuture();
    Resources res = la.resources() == null || la.resources().isBlank() ? LocalMachine.resources() : Resources.parse(la.resources());
    String host = la.hostname() == null ? LocalMachine.hostname() : la.hostname();
    String scheme = config.security().tls() ? "https" : "http";
    AgentConfig ac = new AgentConfig(scheme + "://127.0.0.1:" + http.port(), res, AgentConfig.parseAttributes(la.attributes()),
        config.dataDir().resolve("agent"), host, "127.0.0.1", 0, config.scheduler().heartbeatMs(), 10L << 20);
    // asking a Docker engine may block for seconds: not on the event loop
    return vertx.executeBlocking(() -> new Agent(ac, AgentExecutors.detect(System.getenv(), 10L << 20)).killTasksOnStop(true)
            .secret(config.security().agentSecret())
            .masterCa(config.security().tls() ? io.upone.server.http.ApiExposure.peerTrustPath(config.security()) : null), false)
        .compose(agent -> vertx.deployVerticle(agent).map(id -> {
      agent.deploymentId(id);
      return agent;
    }));
  }

  /** The API tokens this node accepts; the event bus bridge checks its clients' tokens with {@code roleOf}. */
  public io.upone.server.auth.ApiTokens apiTokens() {
    return http.apiTokens();
  }

  /**
   * Who may read the bridge: with {@code bridge-token}, that token; else, when API tokens are on,
   * any of them (every role may read events); else anyone who reaches it.
   */
  static BridgeAuth bridgeAuth(ServerConfig config) {
    String own = config.bridge().token();
    if (own != null && !own.isBlank()) return BridgeAuth.of(own);
    io.upone.server.auth.ApiTokens tokens = io.upone.server.auth.ApiTokens.load(config.security());
    return tokens.enabled() ? token -> token != null && tokens.roleOf(token).isPresent() : BridgeAuth.of(null);
  }

  /** The event bus bridge's TCP port, or -1 when it is off. */
  public int bridgeTcpPort() {
    return bridge.tcpPort();
  }

  /** The node's meters beyond the built-in ones (the alerting meters among them). */
  public NodeMeters meters() {
    return meters;
  }

  /** The embedded agent, or null. */
  public Agent localAgent() {
    return localAgent;
  }

  /** Starts the node; completes when the HTTP API listens (a leader may not be elected yet). */
  public static Future<UponeServer> start(ServerConfig config) {
    return start(config, false);
  }

  /** @param joining start with no raft configuration: wait to be added to a group (see {@code --join}) */
  public static Future<UponeServer> start(ServerConfig config, boolean joining) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.vertx(new VertxOptions().setMetricsOptions(
        new MicrometerMetricsOptions().setEnabled(true).setMicrometerRegistry(registry)));
    RaftConfig raft = new RaftConfig("upone", config.dataDir().resolve("raft"), config.self().raftEndpoint(),
        joining ? java.util.List.of() : config.peers().stream().map(Peer::raftEndpoint).toList(), config.electionTimeoutMs(),
        config.maxBatchProposals(), 4 << 20, config.snapshotEveryEvents(), 4096, true);
    return vertx.executeBlocking(() -> RaftEventLog.start(raft))
        .compose(log -> {
          Gauge.builder("upone_apps", log, l -> l.view().appCount()).description("apps in the projection").register(registry);
          Gauge.builder("upone_tasks", log, l -> l.view().taskCount()).description("live tasks in the projection").register(registry);
          Gauge.builder("upone_last_event_index", log, l -> l.view().lastEventIndex()).register(registry);
          Gauge.builder("upone_is_leader", log, l -> l.isLeader() ? 1 : 0).register(registry);
          DriverMode mode = DriverMode.forConfig(config, log);
          mode.gauges(registry);
          CommittedFeed feed = CommittedFeed.start(vertx, log);
          EventBridge bridge = new EventBridge(config.bridge(), bridgeAuth(config), log, registry, config.httpHost());
          HttpApiVerticle http = new HttpApiVerticle(config, log, registry, mode).mount(bridge::mountSockJs);
          NodeMeters[] meters = new NodeMeters[1];
          return vertx.deployVerticle(new EventJsonPublisher(registry))
              .compose(id -> NodeMeters.start(vertx, log, mode, registry)).map(m -> meters[0] = m)
              .compose(id -> vertx.deployVerticle(bridge))
              .compose(id -> Scheduling.deploy(vertx, log, config.scheduler(), mode, Clock.systemUTC()))
              .compose(id -> vertx.deployVerticle(new AlertVerticle(log, config.alerts(), mode::taskOutput, meters[0].alerts(), Clock.systemUTC()),
                  AlertVerticle.deployment()))
              .compose(id -> io.upone.server.consul.ConsulIntegration.deploy(vertx, log, config.consul()))
              .compose(id -> vertx.deployVerticle(http))
              .compose(id -> deployLocalAgent(vertx, config, http))
              .map(agent -> new UponeServer(config, vertx, log, feed, http, agent, bridge, meters[0]))
              .recover(t -> {
                closeQuietly(feed);
                log.close();
                return vertx.close().compose(v -> Future.failedFuture(t));
              });
        }, t -> vertx.close().compose(v -> Future.failedFuture(t)));
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // stopping anyway
    }
  }

  /** Waits until this node knows a leader and has applied what was committed. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return log.awaitReady(timeout);
  }

  public RaftEventLog log() {
    return log;
  }

  public Vertx vertx() {
    return vertx;
  }

  public ServerConfig config() {
    return config;
  }

  public String url() {
    return (config.security().tls() ? "https://" : "http://") + ("0.0.0.0".equals(config.httpHost()) ? "127.0.0.1"
        : config.httpHost()) + ":" + http.port();
  }

  /**
   * Stops the embedded agent first (it ends its tasks while Vert.x still runs its workers), then
   * Vert.x (HTTP API and verticles), then this log member. Each step is started from a plain
   * thread: a continuation bound to an event loop would never run once Vert.x has closed it.
   */
  public CompletableFuture<Void> stop() {
    CompletableFuture<Void> agentDown = localAgent == null ? CompletableFuture.completedFuture(null)
        : vertx.undeploy(localAgent.deploymentId()).toCompletionStage().toCompletableFuture()
            .exceptionally(t -> null);
    return agentDown
        .thenComposeAsync(v -> vertx.close().toCompletionStage())
        .handleAsync((v, t) -> {
          closeQuietly(feed);
          log.close();
          return null;
        });
  }
}
