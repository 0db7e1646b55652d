package io.upone.server.bus;

import io.upone.core.proto.Event;
import io.upone.eventlog.EventLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Committed events from index N to one reader: replayed from the raft log page by page, then
 * live as they commit. Each event reaches the reader exactly once, in order: the live listener
 * is attached before the replay starts, what it sees during the replay is held back, and any
 * event below the reader's position is dropped. A reader whose held-back events exceed a bound
 * is cut off instead of being buffered without end. Shared by {@code GET /v1/events} and the
 * event bus bridge; create it on the reader's Vert.x context, which is where every callback runs.
 */
public final class EventReplay {
  private static final int PAGE = 1000;

  /** Where the events go; called on the context the replay was started on. */
  public interface Reader {
    /** The first page was read: the stream exists from here on. */
    void begin(long from);

    void write(Event e);

    /** True when the reader wants the replay to wait (its write queue is full). */
    boolean full();

    /** Calls {@code next} once the reader can take more (after {@link #full()} said true). */
    void whenDrained(Runnable next);

    /** Without follow: everything up to now was written. */
    void end();

    /** Reading the log failed; {@code begun} says whether {@link #begin} was called. */
    void failed(Throwable cause, boolean begun);

    /** More than the bound of live events arrived while the replay was behind. */
    void overflowed(int held);
  }

  private final Vertx vertx;
  private final EventLog log;
  private final boolean follow;
  private final int maxHeld;
  private final Reader reader;
  private final ArrayDeque<Event> held = new ArrayDeque<>();
  private MessageConsumer<Committed> subscription;
  private long next;
  private boolean replaying = true;
  private boolean closed;

  private EventReplay(Vertx vertx, EventLog log, long from, boolean follow, int maxHeld, Reader reader) {
    this.vertx = vertx;
    this.log = log;
    this.next = from;
    this.follow = follow;
    this.maxHeld = maxHeld;
    this.reader = reader;
  }

  /**
   * Starts a replay from index {@code from} (at least 1); with {@code follow}, live events follow
   * the replay until {@link #close()}. No callback of {@code reader} runs before this returns.
   */
  public static EventReplay start(Vertx vertx, EventLog log, long from, boolean follow, int maxHeld, Reader reader) {
    EventReplay r = new EventReplay(vertx, log, from, follow, maxHeld, reader);
    if (follow) r.subscription = CommittedFeed.onCommitted(vertx, c -> r.onLive(c.events()));
    // the first page starts on a later turn of the loop: a page read that finished before its
    // listener was attached would otherwise call the reader before the caller holds the replay
    vertx.getOrCreateContext().runOnContext(v -> {
      if (!r.closed) r.replayPage(true);
    });
    return r;
  }

  /** The index of the next event the reader will get. */
  public long next() {
    return next;
  }

  public boolean replaying() {
    return replaying;
  }

  private void replayPage(boolean first) {
    long at = next;
    Future<List<Event>> page = vertx.executeBlocking(() -> log.read(at, PAGE), false);
    page.onComplete(ar -> {
      if (closed) return;
      if (ar.failed()) {
        close();
        reader.failed(ar.cause(), !first);
        return;
      }
      if (first) reader.begin(at);
      List<Event> events = ar.result();
      events.forEach(this::deliver);
      if (closed) return;
      if (events.size() == PAGE) {
        if (reader.full()) reader.whenDrained(() -> {
          if (!closed) replayPage(false);
        });
        else replayPage(false);
        return;
      }
      if (!follow) {
        close();
        reader.end();
        return;
      }
      replaying = false;
      Event e;
      while (!closed && (e = held.poll()) != null) deliver(e);
    });
  }

  private void onLive(List<Event> events) {
    if (closed) return;
    if (replaying) {
      held.addAll(events);
      if (held.size() > maxHeld) {
        int n = held.size();
        close();
        reader.overflowed(n);
      }
      return;
    }
    for (Event e : events) {
      if (closed) return;
      deliver(e);
    }
  }

  private void deliver(Event e) {
    if (e.getIndex() < next) return; // already delivered by the replay
    next = e.getIndex() + 1;
    reader.write(e);
  }

  /** Stops reading; no callback runs after this. */
  public void close() {
    if (closed) return;
    closed = true;
    held.clear();
    if (subscription != null) subscription.unregister();
  }
}
