package io.upone.consul.sim;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Consul's blocking queries: a read with {@code ?index=N} is held until its answer's index
 * passes N or {@code ?wait} (default 5 minutes, at most 10) runs out, then answered with what is
 * there. Every write to the store re-runs the held reads.
 */
final class Blocking {
  static final long DEFAULT_WAIT_MS = 5 * 60_000;
  static final long MAX_WAIT_MS = 10 * 60_000;
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private record Held(Supplier<Answer> read, long after, Consumer<Answer> reply, long timer) {}

  private final Vertx vertx;
  private final List<Held> held = new ArrayList<>();

  Blocking(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Answers now, or holds the read; {@code index}/{@code wait} as given on the query string. */
  void serve(String index, String wait, Supplier<Answer> read, Consumer<Answer> reply) {
    long after;
    long waitMs;
    try {
      after = index == null || index.isEmpty() ? 0 : Long.parseLong(index);
    } catch (NumberFormatException e) {
      reply.accept(Answer.error(400, "Invalid index: " + e.getMessage()));
      return;
    }
    try {
      waitMs = wait == null || wait.isEmpty() ? DEFAULT_WAIT_MS : Math.min(MAX_WAIT_MS, durationMs(wait));
    } catch (IllegalArgumentException e) {
      reply.accept(Answer.error(400, "Invalid wait time"));
      return;
    }
    Answer now = read.get();
    if (after <= 0 || now.status() >= 500 || now.index() > after || now.status() == 400) {
      reply.accept(now);
      return;
    }
    long[] timer = new long[1];
    Held h = new Held(read, after, reply, 0);
    timer[0] = vertx.setTimer(Math.max(1, waitMs), t -> {
      if (held.removeIf(x -> x.reply() == reply)) reply.accept(read.get());
    });
    held.add(new Held(h.read(), h.after(), h.reply(), timer[0]));
  }

  /** The store changed: answer every held read whose index moved. */
  void changed() {
    List<Runnable> answers = new ArrayList<>();
    for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
      Held h = it.next();
      Answer a = h.read().get();
      if (a.index() > h.after()) {
        it.remove();
        vertx.cancelTimer(h.timer());
        answers.add(() -> h.reply().accept(a));
      }
    }
    answers.forEach(Runnable::run);
  }

  /** Held reads are dropped when the fake stops (their connections close with it). */
  void clear() {
    held.forEach(h -> vertx.cancelTimer(h.timer()));
    held.clear();
  }

  int heldCount() {
    return held.size();
  }

  /** A Go duration as Consul parses {@code wait}: {@code 10s}, {@code 500ms}, {@code 1m30s}. */
  static long durationMs(String s) {
    Matcher m = DURATION.matcher(s);
    double ms = 0;
    int at = 0;
    while (m.find() && m.start() == at) {
      double v = Double.parseDouble(m.group(1));
      ms += switch (m.group(2)) {
        case "ns" -> v / 1e6;
        case "us", "µs" -> v / 1e3;
        case "ms" -> v;
        case "s" -> v * 1e3;
        case "m" -> v * 60e3;
        default -> v * 3600e3;
      };
      at = m.end();
    }
    if (at != s.length() || at == 0) throw new IllegalArgumentException("not a duration: " + s);
    return (long) ms;
  }
}
