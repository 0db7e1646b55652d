package io.upone.mesos.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * Each agent's HTTP endpoints, served at the agent's own address: one listening socket per agent
 * address (127.0.0.N), on the port {@link SimOptions#agentPort()} names (ephemeral by default).
 * A socket costs a file descriptor and no thread: the handlers run on the master's context, so
 * 1,000 agents are 1,000 descriptors. Paths as on a Mesos agent, whose default process is
 * {@code slave(1)}: {@code /slave(1)/state} (also {@code /state}), {@code /monitor/statistics}
 * (also {@code .json}), {@code /health}.
 */
final class AgentEndpoints {
  private final SimCluster cluster;
  private final Vertx vertx;
  private final AgentStateJson json;

  AgentEndpoints(SimCluster cluster, Vertx vertx) {
    this.cluster = cluster;
    this.vertx = vertx;
    this.json = new AgentStateJson(cluster);
  }

  /** Binds the agent's endpoints on its address and learns its port; nothing when agent endpoints are off. */
  Future<Void> serve(SimAgent a) {
    int port = cluster.options.agentPort();
    if (port == SimOptions.NO_AGENT_ENDPOINTS) return Future.succeededFuture();
    return vertx.createHttpServer(new HttpServerOptions().setHost(a.ip).setPort(port))
        .requestHandler(req -> route(a, req))
        .listen()
        .map(server -> {
          a.port = server.actualPort();
          return (Void) null;
        })
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot bind agent endpoints on " + a.ip + ":" + port
            + " (agents need 127.0.0.0/8 routed to loopback, as on Linux): " + e.getMessage(), e)));
  }

  private void route(SimAgent a, HttpServerRequest req) {
    String path = req.path().replace("%28", "(").replace("%29", ")"); // clients may escape slave(1)
    switch (path) {
      case "/slave(1)/state", "/state" -> req.response().putHeader("Content-Type", "application/json")
          .end(json.state(a).encode());
      case "/monitor/statistics", "/monitor/statistics.json" -> req.response().putHeader("Content-Type", "application/json")
          .end(json.statistics(a).encode());
      case "/health", "/slave(1)/health" -> req.response().setStatusCode(200).end();
      default -> req.response().setStatusCode(404).end();
    }
  }
}
