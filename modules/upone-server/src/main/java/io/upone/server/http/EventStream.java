package io.upone.server.http;

import io.upone.core.Problem;
import io.upone.core.proto.Event;
import io.upone.eventlog.EventLog;
import io.upone.server.bus.Committed;
import io.upone.server.bus.CommittedFeed;
import io.upone.server.bus.EventJson;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.List;

/**
 * {@code GET /v1/events?from=N[&follow=false]}: committed events from index N, replayed from the
 * raft log, then live as they commit. NDJSON by default (one event per line), Server-Sent Events
 * when the client accepts {@code text/event-stream}. Each event is sent exactly once, in order:
 * the live listener is attached before the replay, and whatever it sees below the replay
 * position is dropped.
 */
public final class EventStream {
  private static final int PAGE = 1000;
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

  /** One client's stream; all its state is touched on its own Vert.x context only. */
  private final class Session {
    private final RoutingContext ctx;
    private final HttpServerResponse res;
    private final boolean follow;
    private final boolean sse;
    private final ArrayDeque<Event> live = new ArrayDeque<>();
    private long next;
    private boolean replaying = true;
    private boolean closed;
    private MessageConsumer<Committed> subscription;

    Session(RoutingContext ctx, long from, boolean follow, boolean sse) {
      this.ctx = ctx;
      this.res = ctx.response();
      this.next = from;
      this.follow = follow;
      this.sse = sse;
    }

    void start() {
      if (follow) {
        subscription = CommittedFeed.onCommitted(vertx, c -> onLive(c.events())); // on this request's context
        res.closeHandler(v -> close());
      }
      replayPage(true);
    }

    private void replayPage(boolean first) {
      long at = next;
      Future<List<Event>> page = vertx.executeBlocking(() -> log.read(at, PAGE), false);
      page.onComplete(ar -> {
        if (closed) return;
        if (ar.failed()) {
          if (first) {
            Problems.send(res, ar.cause());
          } else {
            res.end();
          }
          close();
          return;
        }
        if (first) begin();
        List<Event> events = ar.result();
        events.forEach(this::write);
        if (events.size() == PAGE) {
          if (res.writeQueueFull()) res.drainHandler(v -> replayPage(false));
          else replayPage(false);
          return;
        }
        if (!follow) {
          res.end();
          close();
          return;
        }
        replaying = false;
        Event e;
        while ((e = live.poll()) != null) write(e);
      });
    }

    private void begin() {
      res.setStatusCode(200).setChunked(true)
          .putHeader("Content-Type", sse ? "text/event-stream" : "application/x-ndjson")
          .putHeader("Cache-Control", "no-cache");
      if (sse) res.write(": upone events from " + next + "\n\n");
    }

    private void onLive(List<Event> events) {
      if (closed) return;
      if (replaying) {
        live.addAll(events);
        if (live.size() > MAX_BUFFERED) {
          res.reset();
          close();
        }
        return;
      }
      events.forEach(this::write);
    }

    private void write(Event e) {
      if (e.getIndex() < next) return; // already sent by the replay
      next = e.getIndex() + 1;
      String json = EventJson.text(e);
      if (sse) {
        res.write("id: " + e.getIndex() + "\nevent: " + EventJson.type(e) + "\ndata: " + json + "\n\n");
      } else {
        res.write(json + "\n");
      }
    }

    private void close() {
      closed = true;
      live.clear();
      if (subscription != null) subscription.unregister();
    }
  }
}
