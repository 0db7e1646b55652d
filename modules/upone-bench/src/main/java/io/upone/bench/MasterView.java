package io.upone.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The simulated master's own view of a launch, polled every 100 ms from its {@code /sim/state}
 * (its own counters, as an operator would read the master): when it first knew N tasks, when N
 * were RUNNING, and how far the framework's acknowledgements lagged at that moment. Runs on its
 * own thread; {@link #await} blocks until both figures are in (or 5 minutes pass).
 */
final class MasterView implements AutoCloseable {
  private final String simUrl;
  private final long base;
  private final long target;
  private final long t0;
  private volatile double knownS = -1;
  private volatile double runningS = -1;
  private volatile long unackedAtRunning = -1;
  private volatile long oldestUnackedMsAtRunning = -1;
  private volatile boolean stop;
  private final Thread thread;

  /** {@code base}: tasks the master already knows (earlier rounds); {@code target}: how many more to wait for. */
  MasterView(String simUrl, long base, long target, long t0) {
    this.simUrl = simUrl;
    this.base = base;
    this.target = target;
    this.t0 = t0;
    thread = new Thread(this::poll, "master-view");
    thread.setDaemon(true);
    thread.start();
  }

  /** Tasks the master knows (every state) and RUNNING, with the acknowledgement lag: {known, running, unacked, oldestMs}. */
  static long[] counts(String simUrl) {
    try {
      HttpResponse<String> r = BenchHttp.HTTP.send(HttpRequest.newBuilder(URI.create(simUrl + "/sim/state")).timeout(Duration.ofSeconds(5))
          .build(), HttpResponse.BodyHandlers.ofString());
      JsonArray fws = new JsonObject(r.body()).getJsonArray("frameworks");
      long known = 0;
      long running = 0;
      long unacked = 0;
      long oldest = 0;
      for (int i = 0; i < fws.size(); i++) {
        JsonObject f = fws.getJsonObject(i);
        JsonObject tasks = f.getJsonObject("tasks");
        for (String st : tasks.fieldNames()) known += tasks.getLong(st);
        running += tasks.getLong("TASK_RUNNING", 0L);
        unacked += f.getLong("unacknowledged", 0L);
        oldest = Math.max(oldest, f.getLong("oldest_unacknowledged_ms", 0L));
      }
      return new long[] {known, running, unacked, oldest};
    } catch (Exception e) {
      return new long[] {-1, -1, -1, -1};
    }
  }

  private void poll() {
    long deadline = t0 + Duration.ofMinutes(5).toNanos();
    while (!stop && System.nanoTime() < deadline && runningS < 0) {
      long[] c = counts(simUrl);
      double at = (System.nanoTime() - t0) / 1e9;
      if (knownS < 0 && c[0] >= base + target) knownS = at;
      if (runningS < 0 && c[1] >= base + target) {
        unackedAtRunning = c[2];
        oldestUnackedMsAtRunning = c[3];
        runningS = at;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  void await() throws InterruptedException {
    thread.join(Duration.ofMinutes(5).toMillis());
  }

  double knownS() {
    return knownS;
  }

  double runningS() {
    return runningS;
  }

  String summary() {
    return String.format("master knew all %,d tasks at %.2f s, all RUNNING at %.2f s; then %,d updates not yet acknowledged,"
        + " the oldest %d ms", target, knownS, runningS, unackedAtRunning, oldestUnackedMsAtRunning);
  }

  @Override
  public void close() {
    stop = true;
  }
}
