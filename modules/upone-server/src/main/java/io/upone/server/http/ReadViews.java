package io.upone.server.http;

import io.upone.core.Problem;
import io.upone.core.state.State;
import io.upone.eventlog.EventLog;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * One view of the projection per read request: taken when the request arrives (or, with
 * {@code ?consistent=true}, once a raft read-index confirms this node has applied everything
 * committed when it asked), kept in the request's context for every handler that reads, and
 * named in the {@code X-Upone-State-Index} response header (the view's last event index).
 */
public final class ReadViews {
  public static final String HEADER = "X-Upone-State-Index";
  private static final String KEY = "upone.view";
  private static final String USED = "upone.view.used";

  private ReadViews() {}

  /** Installs the per-request view ahead of every route. */
  public static void mount(Router r, EventLog log) {
    r.route().handler(ctx -> {
      if (ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.HEAD) {
        ctx.next();
        return;
      }
      String consistent = ctx.request().getParam("consistent");
      if (consistent != null && !consistent.equals("true") && !consistent.equals("false")) {
        Problems.send(ctx.response(), Problem.invalid("consistent", "must be true or false"));
        return;
      }
      ctx.addHeadersEndHandler(v -> {
        State s = ctx.get(KEY);
        // only when a handler here read it (a read forwarded to the leader answers with the leader's)
        if (s != null && Boolean.TRUE.equals(ctx.get(USED))) ctx.response().putHeader(HEADER, Long.toString(s.lastEventIndex()));
      });
      if (!"true".equals(consistent)) {
        ctx.put(KEY, log.view());
        ctx.next();
        return;
      }
      Future.fromCompletionStage(log.consistentView(), ctx.vertx().getOrCreateContext()).onComplete(ar -> {
        if (ar.failed()) {
          Problems.send(ctx.response(), ar.cause());
          return;
        }
        ctx.put(KEY, ar.result());
        ctx.next();
      });
    });
  }

  /** The request's view (its handlers all read this one), or the latest if none was taken. */
  public static State of(RoutingContext ctx, EventLog log) {
    State s = ctx.get(KEY);
    if (s == null) {
      s = log.view();
      ctx.put(KEY, s);
    }
    ctx.put(USED, true);
    return s;
  }
}
