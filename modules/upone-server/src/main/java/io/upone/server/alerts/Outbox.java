package io.upone.server.alerts;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages waiting to go, one lane per channel: in order, one post in flight per lane, paced by
 * the channel's rate limit. A post that gets no answer or a 5xx is tried again after a backoff
 * (doubling up to {@code retryMaxMs}); a 429 waits what {@code Retry-After} says; any other
 * answer is final (a 4xx: the webhook or payload is wrong, sending again would not help).
 * Driven by {@link #pump(long)} from its owner's context; never blocks.
 */
final class Outbox {
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  interface Done {
    void done(Message m, boolean sent, SlackWebhook.Delivery last);
  }

  private static final class Lane {
    final Deque<Message> queue = new ArrayDeque<>();
    boolean inFlight;
    long notBeforeMs;
    int failures;
  }

  private final BiFunction<Route, JsonObject, Future<SlackWebhook.Delivery>> post;
  private final AlertSettings settings;
  private final RateLimit rate;
  private final Done done;
  private final java.time.Clock clock;
  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  private long epoch;
  private long attempts;
  private long retries;
  private long paced;
  private int size;

  Outbox(BiFunction<Route, JsonObject, Future<SlackWebhook.Delivery>> post, AlertSettings settings, java.time.Clock clock,
         Done done) {
    this.post = post;
    this.clock = clock;
    this.settings = settings;
    this.rate = new RateLimit(settings.perMinute());
    this.done = done;
  }

  void add(Message m) {
    lanes.computeIfAbsent(key(m.route()), k -> new Lane()).queue.addLast(m);
    size++;
  }

  /** Starts every post that may go now. */
  void pump(long nowMs) {
    for (Map.Entry<String, Lane> e : lanes.entrySet()) {
      Lane lane = e.getValue();
      if (lane.inFlight || lane.queue.isEmpty() || nowMs < lane.notBeforeMs) continue;
      long wait = rate.take(e.getKey(), nowMs);
      if (wait > 0) {
        paced++;
        lane.notBeforeMs = nowMs + wait;
        continue;
      }
      send(lane, lane.queue.peekFirst());
    }
  }

  private void send(Lane lane, Message m) {
    lane.inFlight = true;
    attempts++;
    long mine = epoch;
    post.apply(m.route(), SlackWebhook.payload(m.route(), m.text(), settings)).onComplete(ar -> {
      if (mine != epoch) return; // cleared meanwhile (leadership lost): the next leader decides
      lane.inFlight = false;
      SlackWebhook.Delivery d = ar.succeeded() ? ar.result() : new SlackWebhook.Delivery(0, 0, String.valueOf(ar.cause()));
      long now = clock.millis();
      if (d.ok() || !d.retry()) {
        lane.queue.pollFirst();
        size--;
        lane.failures = 0;
        if (!d.ok()) LOG.warn("alert to {} refused ({} {}): given up", m.route(), d.status(), d.body());
        done.done(m, d.ok(), d);
        return;
      }
      retries++;
      if (d.status() == 429) {
        lane.notBeforeMs = now + d.retryAfterMs();
      } else {
        lane.failures++;
        long backoff = Math.min(settings.retryMaxMs(), 500L << Math.min(20, lane.failures - 1));
        lane.notBeforeMs = now + backoff;
        if (lane.failures == 1 || lane.failures % 10 == 0) {
          LOG.warn("alert to {} failed ({} {}), try {}: again in {} ms", m.route(), d.status(), d.body(), lane.failures, backoff);
        }
      }
    });
  }

  int size() {
    return size;
  }

  long attempts() {
    return attempts;
  }

  long retries() {
    return retries;
  }

  /** Times a channel had to wait for its rate limit. */
  long paced() {
    return paced;
  }

  /** Forgets everything; answers to posts already out are ignored. */
  void clear() {
    epoch++;
    lanes.clear();
    rate.clear();
    size = 0;
  }

  private static String key(Route r) {
    return r.webhook() + "\u0000" + r.channel();
  }
}
