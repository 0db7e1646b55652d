package io.upone.server.http;

import io.upone.core.Problem;
import io.upone.core.proto.Event;
import io.upone.eventlog.EventLog;
import io.upone.server.bus.EventJson;
import io.upone.server.bus.EventReplay;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/events?from=N[&follow=false]}: committed events from index N, replayed from the
 * raft log, then live as they commit. NDJSON by default (one event per line), Server-Sent Events
 * when the client accepts {@code text/event-stream}. Each event is sent exactly once, in order:
 * the live listener is attached before the replay, and whatever it sees below the replay
 * position is dropped ({@link EventReplay}, shared with the event bus bridge).
 */
public final class EventStream {
  /** A client this far behind the live stream is cut off instead of buffering without end. */
  private static final int MAX_BUFFERED = 100_000;

  private final Vertx vertx;
  private final EventLog log;

  public EventStream(Vertx vertx, EventLog log) {
    this.vertx = vertx;
    this.log = log;
  }

  public void handle(RoutingContext ctx) {
    long from;
    boolean follow;
    try {
      from = QueryParams.integer(ctx, "from", 1, 1, Long.MAX_VALUE);
      follow = QueryParams.bool(ctx, "follow", true);
    } catch (Problem.Failure e) {
      Problems.send(ctx.response(), e.problem());
      return;
    }
    boolean sse = String.valueOf(ctx.request().getHeader("Accept")).contains("text/event-stream");
    new Session(ctx, from, follow, sse).start();
  }

  /** One client's stream, on its request's context: the shared replay writes into the response. */
  private final class Session implements EventReplay.Reader {
    private final HttpServerResponse res;
    private final long from;
    private final boolean follow;
    private final boolean sse;

    Session(RoutingContext ctx, long from, boolean follow, boolean sse) {
      this.res = ctx.response();
      this.from = from;
      this.follow = follow;
      this.sse = sse;
    }

    void start() {
      EventReplay replay = EventReplay.start(vertx, log, from, follow, MAX_BUFFERED, this);
      if (follow) res.closeHandler(v -> replay.close());
    }

    @Override
    public void begin(long at) {
      res.setStatusCode(200).setChunked(true)
          .putHeader("Content-Type", sse ? "text/event-stream" : "application/x-ndjson")
          .putHeader("Cache-Control", "no-cache");
      if (sse) res.write(": upone events from " + at + "\n\n");
    }

    @Override
    public void write(Event e) {
      String json = EventJson.text(e);
      if (sse) {
        res.write("id: " + e.getIndex() + "\nevent: " + EventJson.type(e) + "\ndata: " + json + "\n\n");
      } else {
        res.write(json + "\n");
      }
    }

    @Override
    public boolean full() {
      return res.writeQueueFull();
    }

    @Override
    public void whenDrained(Runnable next) {
      res.drainHandler(v -> next.run());
    }

    @Override
    public void end() {
      res.end();
    }

    @Override
    public void failed(Throwable cause, boolean begun) {
      if (begun) res.end();
      else Problems.send(res, cause);
    }

    @Override
    public void overflowed(int held) {
      res.reset();
    }
  }
}
