package io.upone.server.http;

import io.upone.eventlog.EventLog;
import io.upone.server.config.Peer;
import io.upone.server.config.ServerConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /v1/cluster} and {@code GET /health}. */
public final class ClusterApi {
  private final EventLog log;
  private final ServerConfig config;

  public ClusterApi(EventLog log, ServerConfig config) {
    this.log = log;
    this.config = config;
  }

  public void cluster(RoutingContext ctx) {
    EventLog.ClusterView v = log.cluster();
    JsonArray members = new JsonArray();
    for (Peer p : config.peers()) {
      members.add(new JsonObject().put("raft", p.raftEndpoint()).put("http", p.httpUrl())
          .put("leader", p.raftEndpoint().equals(v.leader())).put("self", p.raftEndpoint().equals(v.self())));
    }
    JsonObject leader = v.leader().isEmpty() ? null
        : new JsonObject().put("raft", v.leader()).put("http", config.httpUrlOf(v.leader()) != null
            ? config.httpUrlOf(v.leader()) : log.view().memberUrl(v.leader()).orElse(null)); // added by the members API
    ctx.json(new JsonObject()
        .put("self", new JsonObject().put("raft", config.self().raftEndpoint()).put("http", config.self().httpUrl()))
        .put("role", v.role())
        .put("leader", leader)
        .put("members", members)
        .put("term", v.term())
        .put("commitIndex", v.committedEntryIndex())
        .put("appliedIndex", v.appliedEntryIndex())
        .put("lastEventIndex", v.lastEventIndex()));
  }

  /** 200 while this node sees a leader (it can serve and forward), 503 otherwise: for the VIP's checks. */
  public void health(RoutingContext ctx) {
    if (log.halted().isPresent()) { // it serves a state that no longer follows the log
      ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("status", "halted").put("leader", false).put("message", log.halted().get()).encode());
      return;
    }
    boolean hasLeader = log.leaderEndpoint().isPresent();
    ctx.response().setStatusCode(hasLeader ? 200 : 503).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", hasLeader ? "ok" : "no_leader").put("leader", log.isLeader())
            .put("lastEventIndex", log.view().lastEventIndex()).encode());
  }
}
