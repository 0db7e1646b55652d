package io.upone.server.http;

import io.upone.core.Problem;
import io.upone.core.state.State;
import io.upone.eventlog.EventLog;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /v1/cluster/state-hash[?index=N]}: the hash of this member's projection at an event
 * index, so operators and tests can compare members. Without {@code index}: the request's view.
 * With it: the state after the log entry holding event N, which is the same state on every member
 * that applied it (409 if this member has not applied that far yet, 410 if it no longer keeps it).
 */
public final class StateHashApi {
  private final EventLog log;

  public StateHashApi(EventLog log) {
    this.log = log;
  }

  public void get(RoutingContext ctx) {
    String index = ctx.request().getParam("index");
    State s;
    if (index == null) {
      s = ReadViews.of(ctx, log);
    } else {
      long n;
      if (!index.matches("[0-9]{1,18}") || (n = Long.parseLong(index)) < 1) {
        Problems.send(ctx.response(), Problem.invalid("index", "must be an event index (1 or more)"));
        return;
      }
      State latest = ReadViews.of(ctx, log);
      if (n > latest.lastEventIndex()) {
        Problems.send(ctx.response(), Problem.conflict("not_applied_yet", "this member has applied events up to "
            + latest.lastEventIndex() + ", not yet " + n, "index"));
        return;
      }
      s = log.viewAt(n).orElse(null);
      if (s == null) {
        Problems.send(ctx.response(), new Problem(Problem.Kind.GONE, "index_not_retained",
            "this member keeps the states of its recent log entries only; " + n + " is older", List.of()));
        return;
      }
    }
    State view = s;
    // hashing serializes the whole projection: off the event loop
    ctx.vertx().<String>executeBlocking(view::hash, false).onComplete(ar -> {
      if (ar.failed()) {
        Problems.send(ctx.response(), ar.cause());
        return;
      }
      ctx.json(new JsonObject().put("index", view.lastEventIndex()).put("entryIndex", view.lastEntryIndex())
          .put("hash", ar.result()));
    });
  }
}
