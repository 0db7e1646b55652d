package io.upone.server.http;

import io.upone.core.Problem;
import io.upone.eventlog.EventLog;
import io.upone.eventlog.RaftEventLog;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code POST /v1/cluster/snapshot}: this node snapshots its projection now (not forwarded: each
 * member keeps its own snapshots). Before {@code upone backup}, it keeps the backup's log tail short.
 */
public final class SnapshotApi {
  private final Vertx vertx;
  private final EventLog log;

  public SnapshotApi(Vertx vertx, EventLog log) {
    this.vertx = vertx;
    this.log = log;
  }

  public void mount(Router r) {
    r.post("/v1/cluster/snapshot").handler(this::snapshot);
  }

  private void snapshot(RoutingContext ctx) {
    if (!(log instanceof RaftEventLog raft)) {
      Problems.send(ctx.response(), new Problem(Problem.Kind.CONFLICT, "no_snapshots", "this event log takes no snapshots", List.of()));
      return;
    }
    long started = System.nanoTime();
    vertx.executeBlocking(() -> raft.takeSnapshot().join(), false)
        .onSuccess(eventIndex -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("member", raft.config().self()).put("lastEventIndex", eventIndex)
                .put("dataDir", raft.config().dataDir().toAbsolutePath().toString())
                .put("tookMs", (System.nanoTime() - started) / 1_000_000).encode()))
        .onFailure(t -> Problems.send(ctx.response(), new Problem(Problem.Kind.CONFLICT, "snapshot_failed",
            "the snapshot was not taken: " + (t.getCause() == null ? t : t.getCause()).getMessage()
                + " (one may already be in progress; retry)", List.of())));
  }
}
