package io.upone.lb;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one LB instance equal to what is desired, one push at a time. Changed upstreams are
 * pushed as soon as they are marked; a failed push is retried with capped exponential backoff
 * (the app keeps running meanwhile; {@link #status()} shows the lag). Everything is compared with
 * the LB and repaired when asked ({@link #resyncAll()}: on leadership, periodically) and when
 * the LB's identity changes (restarted: it lost what runtime changes it had).
 *
 * <p>Single-threaded: every method runs on the context that created it (a verticle's).
 */
public final class InstanceSync {
  private static final Logger LOG = LoggerFactory.getLogger(InstanceSync.class);

  /** Told of every confirmed upstream: the servers the LB reports, and how long the change waited. */
  public interface Confirmations {
    void confirmed(String instance, String upstream, List<Server> servers, long waitedMs);
  }

  private final Vertx vertx;
  private final LbInstance lb;
  private final Function<String, List<Server>> desired;
  private final Supplier<Set<String>> desiredNames;
  private final Confirmations confirmations;
  private final SyncTimings timings;

  /** Upstream → change sequence number when it was last marked; and when it was first marked since confirmed. */
  private final Map<String, Long> dirty = new LinkedHashMap<>();
  private final Map<String, Long> dirtySinceMs = new HashMap<>();
  private final Map<String, Long> confirmedSeq = new HashMap<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private long seq;
  private boolean fullPending;
  private boolean busy;
  private boolean stopped;
  private int failures;
  private long retryTimer = -1;
  private final long probeTimer;
  private String identity;
  private String lastError;
  private long lastOkMs;
  private long pushes;

  private record Waiter(String upstream, long seq, Promise<Void> promise) {}

  public InstanceSync(Vertx vertx, LbInstance lb, Function<String, List<Server>> desired, Supplier<Set<String>> desiredNames,
                      Confirmations confirmations, SyncTimings timings) {
    this.vertx = vertx;
    this.lb = lb;
    this.desired = desired;
    this.desiredNames = desiredNames;
    this.confirmations = confirmations;
    this.timings = timings;
    this.probeTimer = vertx.setPeriodic(timings.probeMs(), id -> probe());
  }

  public String address() {
    return lb.address();
  }

  public LbInstance lb() {
    return lb;
  }

  /** The upstream's desired servers changed: push it. Returns the change's sequence number. */
  public long changed(String upstream) {
    long s = ++seq;
    dirty.put(upstream, s);
    dirtySinceMs.putIfAbsent(upstream, System.currentTimeMillis());
    kick();
    return s;
  }

  /** Completes once the LB confirmed the upstream as it was at change {@code s} (or later). */
  public Future<Void> confirmedAfter(String upstream, long s) {
    if (confirmedSeq.getOrDefault(upstream, 0L) >= s) return Future.succeededFuture();
    Promise<Void> p = Promise.promise();
    waiters.add(new Waiter(upstream, s, p));
    return p.future();
  }

  /** Compare everything with the LB and repair what differs. */
  public void resyncAll() {
    fullPending = true;
    kick();
  }

  private void probe() {
    if (stopped) return;
    lb.identity().onComplete(ar -> {
      if (stopped) return;
      if (ar.failed()) {
        lastError = "unreachable: " + ar.cause().getMessage();
        identity = null; // when it answers again it may be a new process
        return;
      }
      if (!ar.result().equals(identity)) {
        if (identity != null || lastOkMs == 0 || lastError != null) {
          LOG.info("LB {} is (again) at {} (was {}): pushing everything", lb.address(), ar.result(), identity);
          resyncAll();
        }
        identity = ar.result();
      }
    });
  }

  private void kick() {
    if (busy || stopped || retryTimer >= 0) return;
    if (!fullPending && dirty.isEmpty()) return;
    busy = true;
    Future<Void> step = fullPending ? full() : pushDirty();
    step.onComplete(ar -> {
      busy = false;
      if (stopped) return;
      if (ar.succeeded()) {
        failures = 0;
        lastError = null;
        lastOkMs = System.currentTimeMillis();
      } else {
        failures++;
        boolean pending = ar.cause() instanceof LbPending;
        lastError = ar.cause().getMessage() == null ? ar.cause().toString() : ar.cause().getMessage();
        long delay = timings.backoff(failures);
        if (pending) LOG.debug("LB {}: {} (retry in {} ms)", lb.address(), lastError, delay);
        else if (failures == 1 || failures % 20 == 0) LOG.warn("LB {}: {} (retry in {} ms, failure {})", lb.address(), lastError, delay, failures);
        retryTimer = vertx.setTimer(delay, t -> {
          retryTimer = -1;
          kick();
        });
        return;
      }
      kick();
    });
  }

  /** Pushes every marked upstream, one after the other; stops at the first failure (retried later). */
  private Future<Void> pushDirty() {
    Map<String, Long> batch = new LinkedHashMap<>(dirty);
    dirty.clear();
    return pushEach(new ArrayList<>(batch.entrySet()), 0, batch);
  }

  private Future<Void> pushEach(List<Map.Entry<String, Long>> items, int i, Map<String, Long> batch) {
    if (i >= items.size()) return Future.succeededFuture();
    String upstream = items.get(i).getKey();
    long s = items.get(i).getValue();
    return push(upstream, s).recover(t -> {
      // what was not pushed stays marked (unless marked again meanwhile, which is newer)
      for (int j = i; j < items.size(); j++) dirty.putIfAbsent(items.get(j).getKey(), items.get(j).getValue());
      return Future.failedFuture(t);
    }).compose(v -> pushEach(items, i + 1, batch));
  }

  private Future<Void> push(String upstream, long s) {
    List<Server> want = desired.apply(upstream);
    pushes++;
    return lb.push(upstream, want).compose(got -> {
      if (!sameOnLb(want, got)) {
        return Future.failedFuture(new IllegalStateException("LB " + lb.address() + " holds " + addresses(got)
            + " for " + upstream + ", not " + addresses(want)));
      }
      confirm(upstream, s, got);
      return Future.succeededFuture();
    });
  }

  private void confirm(String upstream, long s, List<Server> got) {
    long since = dirty.containsKey(upstream) ? -1 : dirtySinceMs.getOrDefault(upstream, -1L);
    if (!dirty.containsKey(upstream)) dirtySinceMs.remove(upstream);
    confirmedSeq.merge(upstream, s, Math::max);
    long waited = since < 0 ? 0 : System.currentTimeMillis() - since;
    confirmations.confirmed(lb.address(), upstream, got, waited);
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (w.upstream.equals(upstream) && w.seq <= s) {
        it.remove();
        w.promise.tryComplete();
      }
    }
  }

  /** Reads what the LB holds, pushes every upstream that differs from what is desired. */
  private Future<Void> full() {
    long s = seq;
    return lb.managed().compose(have -> {
      fullPending = false;
      Set<String> names = new HashSet<>(have.keySet());
      names.addAll(desiredNames.get());
      List<Map.Entry<String, Long>> todo = new ArrayList<>();
      for (String n : names) {
        if (!sameOnLb(desired.apply(n), have.getOrDefault(n, List.of()))) {
          todo.add(Map.entry(n, s));
        } else if (!dirty.containsKey(n)) {
          confirm(n, s, have.getOrDefault(n, List.of()));
        }
      }
      return pushEach(todo, 0, null);
    }).recover(t -> {
      fullPending = true;
      return Future.failedFuture(t);
    });
  }

  static boolean sameOnLb(List<Server> a, List<Server> b) {
    if (a.size() != b.size()) return false;
    for (int i = 0; i < a.size(); i++) if (!a.get(i).sameOnLb(b.get(i))) return false;
    return true;
  }

  private static List<String> addresses(List<Server> l) {
    return l.stream().map(x -> x.address() + "*" + x.weight()).toList();
  }

  /** Where this instance stands: reachable, what waits to be pushed and since when, the last error. */
  public JsonObject status() {
    long now = System.currentTimeMillis();
    long oldest = dirtySinceMs.values().stream().mapToLong(Long::longValue).min().orElse(now);
    return new JsonObject().put("instance", lb.address()).put("identity", identity)
        .put("inSync", dirty.isEmpty() && !fullPending && lastError == null && !busy)
        .put("pending", new ArrayList<>(dirtySinceMs.keySet())).put("lagMs", now - oldest)
        .put("lastError", lastError).put("failures", failures)
        .put("lastOkAt", lastOkMs == 0 ? null : java.time.Instant.ofEpochMilli(lastOkMs).toString())
        .put("pushes", pushes);
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(probeTimer);
    if (retryTimer >= 0) vertx.cancelTimer(retryTimer);
    for (Waiter w : waiters) w.promise.tryFail("LB sync stopped");
    waiters.clear();
    lb.close();
  }
}
