package io.upone.server.consul;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Consul blocking query kept open: read with the last {@code X-Consul-Index}, hand on each
 * answer whose index moved, read again. Consul holds the read until something changes or its
 * wait runs out, so an idle watch costs one request a minute. A failed or unreadable answer is
 * logged once per outage, recorded in the status, and retried with a capped backoff (1 s doubling
 * to 15 s); the last good answer stays in use meanwhile.
 */
final class BlockingRead<T> {
  private static final Logger LOG = LoggerFactory.getLogger(BlockingRead.class);
  private static final long MAX_BACKOFF_MS = 15_000;
  /** An answer this quick with no change means Consul did not hold the read: pause before the next. */
  private static final long TOO_QUICK_MS = 50;

  private final Vertx vertx;
  private final String what;
  private final LongFunction<Future<T>> read;
  private final ToLongFunction<T> indexOf;
  private final Consumer<T> changed;
  private final ConsulStatus.Part status;
  private long index;
  private long backoffMs;
  private boolean running;
  private long timer = -1;

  BlockingRead(Vertx vertx, String what, LongFunction<Future<T>> read, ToLongFunction<T> indexOf, Consumer<T> changed,
               ConsulStatus.Part status) {
    this.vertx = vertx;
    this.what = what;
    this.read = read;
    this.indexOf = indexOf;
    this.changed = changed;
    this.status = status;
  }

  void start() {
    running = true;
    index = 0;
    next();
  }

  void stop() {
    running = false;
    if (timer >= 0) vertx.cancelTimer(timer);
  }

  private void next() {
    if (!running) return;
    long asked = index;
    long at = System.currentTimeMillis();
    Future<T> f;
    try {
      f = read.apply(asked);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (!running) return;
      if (ar.failed()) {
        failed(ar.cause());
        return;
      }
      if (backoffMs > 0) LOG.info("consul: {} readable again", what);
      backoffMs = 0;
      long got = indexOf.applyAsLong(ar.result());
      if (got <= 0) {
        // without an index nothing can be held: treat it as a broken answer, not as a change
        failed(new IllegalStateException("answer without an X-Consul-Index"));
        return;
      }
      // Consul's rule: an index that goes backwards (a restored or new cluster) starts over
      boolean moved = got != asked || asked == 0;
      index = got < asked ? 0 : got;
      if (moved) {
        try {
          changed.accept(ar.result());
        } catch (RuntimeException e) {
          LOG.warn("consul: {} answer not usable: {}", what, e.toString());
        }
      }
      // after the answer is handed on: whoever sees this index in the status sees its effects
      status.ok(got);
      if (!moved && System.currentTimeMillis() - at < TOO_QUICK_MS) later(1000);
      else next();
    });
  }

  private void failed(Throwable t) {
    String why = t.getClass().getSimpleName() + ": " + t.getMessage();
    if (backoffMs == 0) LOG.warn("consul: cannot read {} ({}); retrying, the last answer stays in use", what, why);
    status.failed(why);
    backoffMs = backoffMs == 0 ? 1000 : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    index = 0;
    later(backoffMs);
  }

  private void later(long ms) {
    timer = vertx.setTimer(ms, t -> {
      timer = -1;
      next();
    });
  }
}
